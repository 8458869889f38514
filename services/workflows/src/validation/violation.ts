import type { FieldViolation } from "@mcp/errors";

/**
 * Every machine-readable reason of a spec violation (UPPER_SNAKE); it becomes `Violation.code` in
 * ValidateWorkflowResponse, and is listed in the `codes` metadata of an INVALID_ARGUMENT (or
 * FAILED_PRECONDITION, for references) from Create/UpdateWorkflow. The reference codes come from the
 * registry's ErrorInfo reasons (`MCP_NOT_FOUND`, `MCP_VERSION_NOT_FOUND`, `MCP_LABEL_NOT_FOUND`; any
 * other refusal is `MCP_NOT_RESOLVED`). The comment of `Violation.code` in
 * proto/mcp/workflows/v1/workflow.proto lists exactly these (a test checks it).
 */
export const SPEC_VIOLATION_CODES = [
  // the spec's own rules
  "EMPTY_WORKFLOW",
  "TOO_MANY",
  "REQUIRED",
  "INVALID_FORMAT",
  "INVALID_ENUM",
  "TOO_LONG",
  "OUT_OF_RANGE",
  "DUPLICATE_STEP_ID",
  "DUPLICATE_DEPENDENCY",
  "SELF_DEPENDENCY",
  "UNKNOWN_DEPENDENCY",
  "UNKNOWN_STEP",
  "CYCLE",
  "STEP_OUTPUT_NOT_UPSTREAM",
  "UNDECLARED_WORKFLOW_INPUT",
  "DUPLICATE_INPUT_NAME",
  "DUPLICATE_OUTPUT_NAME",
  "INPUT_REQUIRED_WITH_DEFAULT",
  "BACKOFF_BELOW_INITIAL",
  "FALLBACK_TO_SELF",
  "FALLBACK_WORKFLOW_UNUSED",
  "FOR_EACH_NOT_ON_MCP_STEP",
  "ITEM_OUTSIDE_FOR_EACH",
  "CONDITION_SYNTAX_ERROR",
  "CONDITION_TYPE_ERROR",
  "CONDITION_STEP_NOT_UPSTREAM",
  "EXCLUSIVE_FIELDS",
  "NOT_ALLOWED_ON_WAIT_STEP",
  // what the spec refers to
  "MCP_NOT_FOUND",
  "MCP_VERSION_NOT_FOUND",
  "MCP_LABEL_NOT_FOUND",
  "MCP_NOT_RESOLVED",
  "MISSING_MCP_INPUT",
  "UNKNOWN_MCP_INPUT",
  "FALLBACK_NOT_FOUND",
  "SUBWORKFLOW_NOT_FOUND",
  "WORKFLOW_CYCLE",
  "MISSING_WORKFLOW_INPUT",
  "UNKNOWN_WORKFLOW_INPUT",
] as const;

/** One of {@link SPEC_VIOLATION_CODES}. */
export type SpecViolationCode = (typeof SPEC_VIOLATION_CODES)[number];

/**
 * One problem with a workflow spec: `field` is the snake_case proto path from the request's `spec`
 * (e.g. `spec.steps[2].depends_on[0]`), `description` is for people, `code` for machines.
 */
export interface SpecViolation extends FieldViolation {
  readonly code: SpecViolationCode;
}

/** Builds a violation. */
export function violation(field: string, code: SpecViolationCode, description: string): SpecViolation {
  return { field, code, description };
}

/** Path of step `index`: `spec.steps[index]`. */
export function stepPath(index: number): string {
  return `spec.steps[${index}]`;
}

/** Path of one step input, keyed like a proto map entry: `spec.steps[1].inputs["text"]`. */
export function stepInputPath(index: number, name: string): string {
  return `${stepPath(index)}.inputs[${JSON.stringify(name)}]`;
}

/** Whether `value` lies in `min..max` (NaN never does). */
export function inRange(value: number, min: number, max: number): boolean {
  return value >= min && value <= max;
}

/** Whether `value` is a member of a generated numeric enum (unknown wire values are not). */
export function isKnownEnumValue(enumObject: Record<number, string>, value: number): boolean {
  return typeof enumObject[value] === "string";
}
