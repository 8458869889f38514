import type { McpReference } from "@mcp/proto/registry";
import type { Step, WorkflowSpec } from "@mcp/proto/workflows";
import { LABEL, RESOURCE_NAME, UUID } from "./formats.js";
import { stepPath, violation, type SpecViolation } from "./violation.js";

/** One step's MCP reference and where it sits in the spec, for the registry check that follows. */
export interface StepMcpReference {
  readonly stepId: string;
  /** e.g. `spec.steps[3].mcp`. */
  readonly field: string;
  readonly ref: McpReference;
}

/** Every step's MCP reference in step order; steps without one (a violation already) are left out. */
export function mcpReferences(spec: WorkflowSpec): StepMcpReference[] {
  return spec.steps.flatMap((step, index) =>
    step.mcp ? [{ stepId: step.stepId, field: `${stepPath(index)}.mcp`, ref: step.mcp }] : [],
  );
}

/** The form of one step's `mcp` reference: required, id a UUID or a valid name, version >= 1, label valid. */
export function mcpReferenceViolations(step: Step, index: number): SpecViolation[] {
  const field = `${stepPath(index)}.mcp`;
  const ref = step.mcp;
  if (!ref) return [violation(field, "REQUIRED", "the MCP to call is required (by id or name)")];
  const result: SpecViolation[] = [];
  switch (ref.mcp.case) {
    case undefined:
      result.push(violation(field, "REQUIRED", "the MCP is required: set `id` or `name`"));
      break;
    case "id":
      if (!UUID.test(ref.mcp.value)) {
        result.push(
          violation(`${field}.id`, "INVALID_FORMAT", `"${ref.mcp.value}" is not an MCP id (a UUID)`),
        );
      }
      break;
    case "name":
      if (!RESOURCE_NAME.test(ref.mcp.value)) {
        result.push(
          violation(
            `${field}.name`,
            "INVALID_FORMAT",
            `"${ref.mcp.value}" is not an MCP name (1-128 letters, digits, _ - ., starting with a letter)`,
          ),
        );
      }
      break;
  }
  if (ref.selector.case === "version" && ref.selector.value < 1) {
    result.push(
      violation(`${field}.version`, "OUT_OF_RANGE", `version must be 1 or more, got ${ref.selector.value}`),
    );
  }
  if (ref.selector.case === "label" && !LABEL.test(ref.selector.value)) {
    result.push(
      violation(
        `${field}.label`,
        "INVALID_FORMAT",
        `"${ref.selector.value}" is not a label (1-63 characters of a-z 0-9 _ -, starting with a letter)`,
      ),
    );
  }
  return result;
}
