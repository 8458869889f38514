import { create, fromJson, type JsonValue, type MessageInitShape } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import { StepInputSchema, type Step, type StepInput } from "@mcp/proto/workflows";
import type { FieldKind, InputField } from "../forms/fields-from-schema";
import { valueJson } from "../format/json";

/**
 * One step input in the side panel: where its value comes from — the spec's own sources (a static
 * value, a workflow input, an upstream step's output, and on a for_each step the item or its index) —
 * or `unset` (not mapped).
 */
export type SourceKind = "unset" | "static" | "workflowInput" | "stepOutput" | "item" | "itemIndex";

/** What the panel's controls hold for one input; `text` is the static value as typed. */
export interface MappingDraft {
  readonly source: SourceKind;
  readonly text: string;
  readonly workflowInput: string;
  readonly stepId: string;
  readonly output: string;
  readonly itemPath: string;
}

/** One row of the mapping form: the input's declaration (from the MCP's schema) and its mapping. */
export interface MappingRow {
  readonly field: InputField;
  /** Whether the MCP declares it (false: mapped in the spec but not in the schema). */
  readonly declared: boolean;
  readonly input: StepInput | undefined;
}

export const EMPTY_DRAFT: MappingDraft = {
  source: "unset",
  text: "",
  workflowInput: "",
  stepId: "",
  output: "",
  itemPath: "",
};

/** How a static value of a kind is typed: JSON for structured kinds, plain text otherwise. */
export function staticText(value: JsonValue | undefined, kind: FieldKind): string {
  if (value === undefined) return "";
  if (kind === "string" && typeof value === "string") return value;
  if ((kind === "number" || kind === "integer" || kind === "boolean") && typeof value !== "object")
    return String(value);
  return JSON.stringify(value);
}

/** The panel's draft of a mapped (or unmapped) input. */
export function draftOf(input: StepInput | undefined, kind: FieldKind): MappingDraft {
  const s = input?.source;
  switch (s?.case) {
    case "staticValue":
      return { ...EMPTY_DRAFT, source: "static", text: staticText(valueJson(s.value), kind) };
    case "workflowInput":
      return { ...EMPTY_DRAFT, source: "workflowInput", workflowInput: s.value };
    case "stepOutput":
      return { ...EMPTY_DRAFT, source: "stepOutput", stepId: s.value.stepId, output: s.value.output };
    case "item":
      return { ...EMPTY_DRAFT, source: "item", itemPath: s.value };
    case "itemIndex":
      return { ...EMPTY_DRAFT, source: "itemIndex" };
    default:
      return EMPTY_DRAFT;
  }
}

/** A static value typed for a kind, as JSON; an error message a person can act on when it is not one. */
export function parseStatic(
  text: string,
  kind: FieldKind,
): { ok: true; value: JsonValue } | { ok: false; error: string } {
  switch (kind) {
    case "string":
      return { ok: true, value: text };
    case "number":
    case "integer": {
      const n = Number(text);
      if (text.trim() === "" || !Number.isFinite(n)) return { ok: false, error: "expected a number" };
      if (kind === "integer" && !Number.isInteger(n)) return { ok: false, error: "expected a whole number" };
      return { ok: true, value: n };
    }
    case "boolean":
      if (text === "true" || text === "false") return { ok: true, value: text === "true" };
      return { ok: false, error: "expected true or false" };
    default: {
      try {
        const value = JSON.parse(text) as JsonValue;
        if (kind === "object" && (typeof value !== "object" || value === null || Array.isArray(value)))
          return { ok: false, error: "expected a JSON object" };
        if (kind === "array" && !Array.isArray(value)) return { ok: false, error: "expected a JSON array" };
        return { ok: true, value };
      } catch (err) {
        return { ok: false, error: `not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
      }
    }
  }
}

/**
 * The StepInput a draft stands for: undefined for `unset`, and for a draft still missing its choice
 * (no workflow input or step picked yet); an error for a static value that is not of the input's kind.
 */
export function inputOf(
  draft: MappingDraft,
  kind: FieldKind,
): { ok: true; input: StepInput | undefined } | { ok: false; error: string } {
  const input = (source: MessageInitShape<typeof StepInputSchema>["source"]) => ({
    ok: true as const,
    input: create(StepInputSchema, { source }),
  });
  switch (draft.source) {
    case "unset":
      return { ok: true, input: undefined };
    case "static": {
      const parsed = parseStatic(draft.text, kind);
      if (!parsed.ok) return parsed;
      return input({ case: "staticValue", value: fromJson(ValueSchema, parsed.value) });
    }
    case "workflowInput":
      return draft.workflowInput === ""
        ? { ok: true, input: undefined }
        : input({ case: "workflowInput", value: draft.workflowInput });
    case "stepOutput":
      return draft.stepId === ""
        ? { ok: true, input: undefined }
        : input({
            case: "stepOutput",
            value: { stepId: draft.stepId, output: draft.output },
          });
    case "item":
      return input({ case: "item", value: draft.itemPath });
    case "itemIndex":
      return input({ case: "itemIndex", value: true });
  }
}

/**
 * The rows of a step's mapping form: the MCP's declared inputs (required ones first, each group in
 * schema order), then inputs the spec maps that the MCP does not declare.
 */
export function mappingRows(step: Step, declared: readonly InputField[]): MappingRow[] {
  const ordered = [...declared.filter((f) => f.required), ...declared.filter((f) => !f.required)];
  const known = new Set(ordered.map((f) => f.name));
  const rows: MappingRow[] = ordered.map((field) => ({
    field,
    declared: true,
    input: step.inputs[field.name],
  }));
  for (const [name, input] of Object.entries(step.inputs)) {
    if (!known.has(name))
      rows.push({ field: { name, kind: "json", required: false }, declared: false, input });
  }
  return rows;
}

/** How a mapping reads in the spec's own terms, e.g. `← step fetch.text`, `= "hello"`. */
export function describeInput(input: StepInput | undefined): string {
  const s = input?.source;
  switch (s?.case) {
    case "staticValue":
      return `= ${JSON.stringify(valueJson(s.value) ?? null)}`;
    case "workflowInput":
      return `← input ${s.value}`;
    case "stepOutput":
      return `← step ${s.value.stepId}${s.value.output ? `.${s.value.output}` : ""}`;
    case "item":
      return `← item${s.value ? `.${s.value}` : ""}`;
    case "itemIndex":
      return "← item index";
    default:
      return "not mapped";
  }
}
