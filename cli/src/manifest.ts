import { fromJson, type DescMessage, type JsonValue } from "@bufbuild/protobuf";
import { CreateScheduleRequestSchema, type CreateScheduleRequest } from "@mcp/proto/executor";
import { CreateMcpRequestSchema, type CreateMcpRequest } from "@mcp/proto/registry";
import { CreateWorkflowRequestSchema, type CreateWorkflowRequest } from "@mcp/proto/workflows";
import { parseAllDocuments } from "yaml";
import { errorMessage } from "@mcp/errors";

/** One resource declared in a manifest, as the Create request that would make it. */
export type Resource =
  | {
      readonly kind: "Mcp";
      readonly name: string;
      readonly source: string;
      readonly request: CreateMcpRequest;
    }
  | {
      readonly kind: "Workflow";
      readonly name: string;
      readonly source: string;
      readonly request: CreateWorkflowRequest;
    }
  | {
      readonly kind: "Schedule";
      readonly name: string;
      readonly source: string;
      readonly request: CreateScheduleRequest;
    };

/** A manifest that cannot be applied; the message names the file and document. */
export class ManifestError extends Error {
  override readonly name = "ManifestError";
}

/** Top-level keys of each kind: the Create request's fields (proto or JSON names), plus the envelope. */
const SCHEMAS: Record<Resource["kind"], DescMessage> = {
  Mcp: CreateMcpRequestSchema,
  Workflow: CreateWorkflowRequestSchema,
  Schedule: CreateScheduleRequestSchema,
};
const KINDS = Object.keys(SCHEMAS) as Resource["kind"][];
const ENVELOPE = ["kind", "apiVersion"];

/**
 * Reads the resources of one manifest: YAML (several `---` documents) or JSON (one object, or an
 * array of them). Each document is `kind: Mcp` (name, description, tags, config, inputSchema,
 * outputSchema, changeNote) or `kind: Workflow` (name, description, tags, spec, changeNote); config and
 * spec are proto JSON, checked against the contract; or `kind: Schedule` (name, spec, paused: a
 * ScheduleSpec in proto JSON). MCPs come first, so workflows can use them; schedules last, so they
 * can name the workflows of the same manifest.
 */
export function parseManifest(text: string, file = "<manifest>"): Resource[] {
  const documents = readDocuments(text, file);
  const resources = documents.map((doc, i) => toResource(doc, `${file} document ${i + 1}`));
  const seen = new Set<string>();
  for (const r of resources) {
    const key = `${r.kind}/${r.name.toLowerCase()}`;
    if (seen.has(key)) throw new ManifestError(`${file}: ${r.kind}/${r.name} is declared twice`);
    seen.add(key);
  }
  return orderForApply(resources);
}

/**
 * MCPs before workflows, schedules after them, a workflow after the workflows of the manifest it calls as sub-workflows (by
 * name; a cycle is cut where it is met, and the server refuses it), otherwise in file order.
 */
export function orderForApply(resources: readonly Resource[]): Resource[] {
  const workflows = resources.filter((r) => r.kind === "Workflow");
  const byName = new Map(workflows.map((r) => [r.name.toLowerCase(), r]));
  const ordered: Resource[] = [];
  const placed = new Set<Resource>();
  const visiting = new Set<Resource>();
  const place = (r: Resource): void => {
    if (placed.has(r) || visiting.has(r)) return;
    visiting.add(r);
    if (r.kind === "Workflow")
      for (const step of r.request.spec?.steps ?? []) {
        const ref = step.workflow?.workflow;
        const callee = ref?.case === "name" ? byName.get(ref.value.toLowerCase()) : undefined;
        if (callee) place(callee);
      }
    visiting.delete(r);
    placed.add(r);
    ordered.push(r);
  };
  workflows.forEach(place);
  return [
    ...resources.filter((r) => r.kind === "Mcp"),
    ...ordered,
    ...resources.filter((r) => r.kind === "Schedule"),
  ];
}

function readDocuments(text: string, file: string): unknown[] {
  if (/^\s*[[{]/.test(text)) {
    try {
      const parsed = JSON.parse(text) as unknown;
      return Array.isArray(parsed) ? parsed : [parsed];
    } catch {
      // Not JSON after all (a YAML flow mapping, say): YAML reads it, or says what is wrong.
    }
  }
  const docs = [...parseAllDocuments(text)];
  const values: unknown[] = [];
  docs.forEach((doc, i) => {
    const [error] = doc.errors;
    if (error) throw new ManifestError(`${file} document ${i + 1}: invalid YAML: ${error.message}`);
    const value = doc.toJSON() as unknown;
    if (value !== null && value !== undefined) values.push(value);
  });
  if (values.length === 0) throw new ManifestError(`${file}: no documents`);
  return values;
}

function toResource(doc: unknown, where: string): Resource {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new ManifestError(
      `${where}: expected a mapping with "kind", got ${Array.isArray(doc) ? "a list" : typeof doc}`,
    );
  }
  const record = doc as Record<string, unknown>;
  const kind = record["kind"];
  if (!(KINDS as unknown[]).includes(kind)) {
    throw new ManifestError(
      `${where}: kind must be "Mcp", "Workflow" or "Schedule", got ${JSON.stringify(kind ?? null)}`,
    );
  }
  const name = record["name"];
  if (typeof name !== "string" || name.trim() === "")
    throw new ManifestError(`${where}: ${String(kind)} needs a "name"`);
  const at = `${where} (${String(kind)}/${name})`;
  const fields = SCHEMAS[kind as Resource["kind"]].fields;
  const allowed = new Set([...ENVELOPE, ...fields.flatMap((f) => [f.jsonName, f.name])]);
  const unknown = Object.keys(record).filter((k) => !allowed.has(k));
  if (unknown.length > 0) {
    const known = fields.map((f) => f.jsonName).join(", ");
    throw new ManifestError(`${at}: unknown field(s) ${unknown.join(", ")}; a ${String(kind)} has ${known}`);
  }
  const body = Object.fromEntries(Object.entries(record).filter(([k]) => !ENVELOPE.includes(k))) as JsonValue;
  try {
    if (kind === "Mcp") return { kind, name, source: at, request: fromJson(CreateMcpRequestSchema, body) };
    if (kind === "Schedule")
      return { kind, name, source: at, request: fromJson(CreateScheduleRequestSchema, body) };
    return { kind: "Workflow", name, source: at, request: fromJson(CreateWorkflowRequestSchema, body) };
  } catch (err) {
    throw new ManifestError(`${at}: ${errorMessage(err)}`);
  }
}
