/**
 * Formats of names and ids, as the comments of the proto contract state them
 * (mcp/workflows/v1/workflow.proto, mcp/registry/v1).
 */

/** `Step.step_id`: 1-128 characters of `a-zA-Z0-9_-`. */
export const STEP_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** Workflow input/output names and step input keys: an identifier of 1-128 characters. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** MCP and workflow names: 1-128 characters of letters, digits, `_`, `-`, `.`, starting with a letter. */
export const RESOURCE_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;

/** MCP version labels: 1-63 characters of `a-z0-9_-`, starting with a letter. */
export const LABEL = /^[a-z][a-z0-9_-]{0,62}$/;

/** A server-assigned id (UUID, any version, case-insensitive). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A dot-separated field path (`ForEach.path`, `StepInput.item`): segments of `A-Za-z0-9_-`. */
export const FIELD_PATH = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;

/** Upper bounds on list sizes, from the proto comments. */
export const LIMITS = {
  steps: 1000,
  workflowInputs: 100,
  workflowOutputs: 100,
  dependsOn: 200,
  stepInputs: 100,
  stepName: 200,
  inputDescription: 2000,
  fieldPath: 512,
  forEachConcurrency: 64,
} as const;
