import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import {
  CreateWorkflowRequestSchema,
  WorkflowSpecSchema,
  type CreateWorkflowRequest,
  type WorkflowSpec,
} from "@mcp/proto/workflows";
import { DefinitionError, parseMapping } from "../forms/parse-definition";
import { splitTags } from "../mcps/create-request";

/** What the "New workflow" form holds. */
export interface NewWorkflowForm {
  readonly name: string;
  readonly description: string;
  readonly tags: string;
  /** The spec (YAML or JSON), or a whole `kind: Workflow` manifest document as `mcp apply` reads it. */
  readonly spec: string;
  readonly changeNote: string;
}

/** A starting spec, in the shape of the manifests under examples/ (the `spec:` part). */
export const SPEC_TEMPLATE = `executionMode: EXECUTION_MODE_SEQUENTIAL
inputs:
  - name: text
    description: What to echo.
    required: true
steps:
  - stepId: echo
    mcp: { name: example-echo }
    inputs:
      text: { workflowInput: text }
  - stepId: concat
    mcp: { name: example-concat }
    dependsOn: [echo]
    inputs:
      prefix: { staticValue: "echo says: " }
      text: { stepOutput: { stepId: echo, output: text } }
outputs:
  - { name: result, stepId: concat, output: result }
`;

interface Parsed {
  readonly spec: Record<string, unknown>;
  readonly manifest: Record<string, unknown> | undefined;
}

function readSpec(text: string): Parsed {
  const doc = parseMapping(text, "Spec");
  if (doc === undefined) throw new DefinitionError("Spec: required");
  const isManifest = doc["kind"] === "Workflow" || (typeof doc["spec"] === "object" && doc["spec"] !== null);
  if (!isManifest) return { spec: doc, manifest: undefined };
  const spec = doc["spec"];
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    throw new DefinitionError("Spec: the manifest has no `spec` mapping");
  }
  return { spec: spec as Record<string, unknown>, manifest: doc };
}

function specMessage(spec: Record<string, unknown>): WorkflowSpec {
  try {
    return fromJson(WorkflowSpecSchema, spec as JsonValue);
  } catch (err) {
    throw new DefinitionError(`Spec: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The WorkflowSpec in the textarea (for ValidateWorkflow and the DAG preview). */
export function parseWorkflowSpec(text: string): WorkflowSpec {
  return specMessage(readSpec(text).spec);
}

/**
 * Builds CreateWorkflow's request. The name, description and tags of the form win; when the textarea
 * holds a whole manifest, its own fields fill in what the form leaves empty.
 */
export function buildCreateWorkflowRequest(form: NewWorkflowForm): CreateWorkflowRequest {
  const { spec, manifest } = readSpec(form.spec);
  const fromManifest = (key: string): unknown => manifest?.[key];
  const text = (v: unknown) => (typeof v === "string" ? v : "");
  const name = form.name.trim() || text(fromManifest("name"));
  if (name === "") throw new DefinitionError("Name: required");
  const manifestTags = fromManifest("tags");
  const tags =
    form.tags.trim() !== "" ? splitTags(form.tags) : Array.isArray(manifestTags) ? manifestTags : [];
  specMessage(spec); // reports spec problems with the "Spec:" prefix
  try {
    return fromJson(CreateWorkflowRequestSchema, {
      name,
      description: form.description || text(fromManifest("description")),
      tags,
      spec,
      changeNote: form.changeNote || text(fromManifest("changeNote")),
    } as JsonValue);
  } catch (err) {
    throw new DefinitionError(err instanceof Error ? err.message : String(err));
  }
}
