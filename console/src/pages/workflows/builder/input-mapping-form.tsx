import { create, equals, fromJson } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import { StepInputSchema, type Step, type StepInput } from "@mcp/proto/workflows";
import { useId, useState } from "react";
import type { InputField } from "../../../forms/fields-from-schema";
import {
  draftOf,
  inputOf,
  mappingRows,
  type MappingDraft,
  type MappingRow,
  type SourceKind,
} from "../../../builder/input-mapping";

/** What the form offers as sources besides static values. */
export interface MappingChoices {
  /** The workflow's declared inputs. */
  readonly workflowInputs: readonly string[];
  /** Steps upstream of this one (through depends_on), with the output names each is known to have. */
  readonly upstream: ReadonlyMap<string, readonly string[]>;
}

interface Props {
  readonly step: Step;
  /** The inputs the step's MCP (or sub-workflow) declares. */
  readonly declared: readonly InputField[];
  /** Where the declaration came from, for people (`input schema`, ...); undefined when none. */
  readonly declaredFrom: string | undefined;
  readonly choices: MappingChoices;
  /** ValidateWorkflow's problems with one input (by name), and with the inputs as a whole (key ""). */
  readonly problems: (name: string) => readonly string[];
  readonly onChange: (name: string, input: StepInput | undefined) => void;
}

const KIND_TEXT: Record<InputField["kind"], string> = {
  string: "text",
  number: "number",
  integer: "whole number",
  boolean: "true/false",
  object: "JSON object",
  array: "JSON array",
  json: "any JSON",
};

const same = (a: StepInput | undefined, b: StepInput | undefined) =>
  a === undefined || b === undefined ? a === b : equals(StepInputSchema, a, b);

/**
 * The step's inputs in the side panel, one group per input the MCP declares (required first, typed by
 * its schema) plus those the spec maps without a declaration; each says where its value comes from: a
 * static value (typed: text, number, true/false, a choice or JSON), a workflow input, an upstream step's
 * output, or on a for_each step the item or its index. "Add input" maps a name the schema does not
 * list. ValidateWorkflow's problems show under the input they concern.
 */
export function InputMappingForm({ step, declared, declaredFrom, choices, problems, onChange }: Props) {
  const id = useId();
  const [extra, setExtra] = useState("");
  const rows = mappingRows(step, declared);
  const general = problems("");
  const addExtra = () => {
    const name = extra.trim();
    if (name === "" || rows.some((r) => r.field.name === name)) return;
    onChange(
      name,
      create(StepInputSchema, { source: { case: "staticValue", value: fromJson(ValueSchema, "") } }),
    );
    setExtra("");
  };
  return (
    <section className="input-mapping" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Inputs</h3>
      <p className="hint">
        {declaredFrom
          ? `Declared by the ${declaredFrom}.`
          : "The MCP declares no inputs: add the ones it reads."}
      </p>
      {general.length > 0 && (
        <ul className="field-error" aria-label={`Problems with the inputs of ${step.stepId}`}>
          {general.map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ul>
      )}
      {rows.map((row) => (
        <MappingRowView
          key={row.field.name}
          row={row}
          forEach={step.forEach !== undefined}
          choices={choices}
          problems={problems(row.field.name)}
          onChange={(input) => onChange(row.field.name, input)}
        />
      ))}
      <div className="field inline">
        <label htmlFor={`${id}-extra`}>Another input</label>
        <input
          id={`${id}-extra`}
          value={extra}
          onChange={(e) => setExtra(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              addExtra();
            }
          }}
        />
        <button type="button" onClick={addExtra}>
          Add input
        </button>
      </div>
    </section>
  );
}

function MappingRowView({
  row,
  forEach,
  choices,
  problems,
  onChange,
}: {
  row: MappingRow;
  forEach: boolean;
  choices: MappingChoices;
  problems: readonly string[];
  onChange: (input: StepInput | undefined) => void;
}) {
  const id = useId();
  const { field } = row;
  const [draft, setDraft] = useState<MappingDraft>(() => draftOf(row.input, field.kind));
  const [error, setError] = useState<string | undefined>();
  // the spec changed elsewhere (the YAML view, a rename, a removed step): show what it holds now
  const [seen, setSeen] = useState(row.input);
  if (seen !== row.input) {
    setSeen(row.input);
    const produced = inputOf(draft, field.kind);
    if (produced.ok && !same(produced.input, row.input)) setDraft(draftOf(row.input, field.kind));
  }

  const update = (patch: Partial<MappingDraft>) => {
    const next = { ...draft, ...patch };
    setDraft(next);
    const result = inputOf(next, field.kind);
    setError(result.ok ? undefined : result.error);
    if (result.ok && !same(result.input, row.input)) onChange(result.input);
  };
  const messages = [...(error ? [error] : []), ...problems];
  const describedBy = messages.length > 0 ? `${id}-problems` : undefined;
  const invalid = messages.length > 0 || undefined;
  const name = field.name;
  const sources: [SourceKind, string][] = [
    ["unset", "not mapped"],
    ["static", "static value"],
    ["workflowInput", "workflow input"],
    ["stepOutput", "upstream step output"],
    ...(forEach
      ? ([
          ["item", "for_each item"],
          ["itemIndex", "for_each item index"],
        ] as [SourceKind, string][])
      : []),
  ];

  return (
    <fieldset className={`mapping${invalid ? " invalid" : ""}`} data-input={name}>
      <legend>
        <code>{name}</code> <span className="hint">{KIND_TEXT[field.kind]}</span>
        {field.required && <span className="required"> required</span>}
        {!row.declared && <span className="hint"> (not declared by the MCP)</span>}
      </legend>
      {field.description && <p className="hint">{field.description}</p>}
      <div className="field">
        <label htmlFor={`${id}-source`}>Source of {name}</label>
        <select
          id={`${id}-source`}
          value={draft.source}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          onChange={(e) => update({ source: e.target.value as SourceKind })}
        >
          {sources.map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
      </div>
      {draft.source === "static" && (
        <StaticControl
          id={`${id}-value`}
          field={field}
          text={draft.text}
          onText={(text) => update({ text })}
        />
      )}
      {draft.source === "workflowInput" && (
        <div className="field">
          <label htmlFor={`${id}-wi`}>Workflow input for {name}</label>
          <select
            id={`${id}-wi`}
            value={draft.workflowInput}
            onChange={(e) => update({ workflowInput: e.target.value })}
          >
            <option value="">choose…</option>
            {withCurrent(choices.workflowInputs, draft.workflowInput).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
          {choices.workflowInputs.length === 0 && (
            <p className="hint">Declare the workflow&apos;s inputs in the workflow panel first.</p>
          )}
        </div>
      )}
      {draft.source === "stepOutput" && (
        <>
          <div className="field">
            <label htmlFor={`${id}-step`}>Step for {name}</label>
            <select
              id={`${id}-step`}
              value={draft.stepId}
              onChange={(e) => update({ stepId: e.target.value })}
            >
              <option value="">choose…</option>
              {withCurrent([...choices.upstream.keys()], draft.stepId).map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
            {choices.upstream.size === 0 && (
              <p className="hint">Connect an upstream step to this one to read its outputs.</p>
            )}
          </div>
          <div className="field">
            <label htmlFor={`${id}-output`}>Output of {name}</label>
            <input
              id={`${id}-output`}
              list={`${id}-outputs`}
              value={draft.output}
              placeholder="(the whole result)"
              onChange={(e) => update({ output: e.target.value })}
            />
            <datalist id={`${id}-outputs`}>
              {(choices.upstream.get(draft.stepId) ?? []).map((o) => (
                <option key={o} value={o} />
              ))}
            </datalist>
          </div>
        </>
      )}
      {draft.source === "item" && (
        <div className="field">
          <label htmlFor={`${id}-item`}>Item path for {name}</label>
          <input
            id={`${id}-item`}
            value={draft.itemPath}
            placeholder="(the whole item)"
            onChange={(e) => update({ itemPath: e.target.value })}
          />
        </div>
      )}
      {messages.length > 0 && (
        <ul id={`${id}-problems`} className="field-error">
          {messages.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}

/** The choices, plus the current value when it is not among them (a spec written elsewhere). */
function withCurrent(choices: readonly string[], current: string): string[] {
  return current !== "" && !choices.includes(current) ? [...choices, current] : [...choices];
}

/** A static value's control, by the input's kind. */
function StaticControl({
  id,
  field,
  text,
  onText,
}: {
  id: string;
  field: InputField;
  text: string;
  onText: (text: string) => void;
}) {
  const label = <label htmlFor={id}>Value of {field.name}</label>;
  if (field.options) {
    return (
      <div className="field">
        {label}
        <select id={id} value={text} onChange={(e) => onText(e.target.value)}>
          <option value="">choose…</option>
          {withCurrent(field.options, text).map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </div>
    );
  }
  switch (field.kind) {
    case "string":
      return (
        <div className="field">
          {label}
          <input id={id} value={text} onChange={(e) => onText(e.target.value)} />
        </div>
      );
    case "number":
    case "integer":
      return (
        <div className="field">
          {label}
          <input
            id={id}
            type="number"
            step={field.kind === "integer" ? 1 : "any"}
            value={text}
            onChange={(e) => onText(e.target.value)}
          />
        </div>
      );
    case "boolean":
      return (
        <div className="field">
          {label}
          <select id={id} value={text} onChange={(e) => onText(e.target.value)}>
            <option value="">choose…</option>
            <option value="true">true</option>
            <option value="false">false</option>
          </select>
        </div>
      );
    default:
      return (
        <div className="field">
          {label}
          <textarea
            id={id}
            className="code"
            rows={3}
            spellCheck={false}
            value={text}
            onChange={(e) => onText(e.target.value)}
          />
        </div>
      );
  }
}
