import { WorkflowSpecSchema, type WorkflowSpec } from "@mcp/proto/workflows";
import { stringify } from "yaml";
import { messageJson } from "../format/json";
import { parseWorkflowSpec } from "../workflows/create-request";

/**
 * The two views of one spec: the YAML view's text (the manifest shape of examples/, as the workflow
 * page shows a version) and the builder's WorkflowSpec message.
 */
export function specToYaml(spec: WorkflowSpec): string {
  const json = messageJson(WorkflowSpecSchema, spec);
  const isEmpty = typeof json === "object" && json !== null && Object.keys(json).length === 0;
  return isEmpty ? "steps: []\n" : stringify(json);
}

/** The spec in the YAML view's text (or a whole `kind: Workflow` document); throws DefinitionError. */
export function yamlToSpec(text: string): WorkflowSpec {
  return parseWorkflowSpec(text);
}
