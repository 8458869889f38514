import type { Step } from "@mcp/proto/workflows";
import { RESOURCE_NAME, UUID } from "./formats.js";
import { stepPath, violation, type SpecViolation } from "./violation.js";

/**
 * The form of a `workflow` step's reference (a sub-workflow): `id` a UUID or `name` a valid name
 * (REQUIRED when neither), `version` >= 1; and `mcp` is not set too (EXCLUSIVE_FIELDS; with a wait
 * kind, wait-rules reports it). Whether it exists and whether it calls back is the spec checker's
 * (references/sub-workflows.ts).
 */
export function subWorkflowViolations(step: Step, index: number): SpecViolation[] {
  const ref = step.workflow;
  if (!ref) return [];
  const field = `${stepPath(index)}.workflow`;
  const result: SpecViolation[] = [];
  const waits = step.sleep !== undefined || step.waitForSignal !== undefined || step.approval !== undefined;
  if (step.mcp && !waits)
    result.push(
      violation(
        field,
        "EXCLUSIVE_FIELDS",
        `step "${step.stepId}" sets both mcp and workflow; a step does exactly one of mcp, sleep, wait_for_signal, approval, workflow`,
      ),
    );
  switch (ref.workflow.case) {
    case undefined:
      result.push(violation(field, "REQUIRED", "the workflow to call is required: set `id` or `name`"));
      break;
    case "id":
      if (!UUID.test(ref.workflow.value))
        result.push(
          violation(`${field}.id`, "INVALID_FORMAT", `"${ref.workflow.value}" is not a workflow id (a UUID)`),
        );
      break;
    case "name":
      if (!RESOURCE_NAME.test(ref.workflow.value))
        result.push(
          violation(
            `${field}.name`,
            "INVALID_FORMAT",
            `"${ref.workflow.value}" is not a workflow name (1-128 letters, digits, _ - ., starting with a letter)`,
          ),
        );
      break;
  }
  if (ref.version !== undefined && ref.version < 1)
    result.push(
      violation(`${field}.version`, "OUT_OF_RANGE", `version must be 1 or more, got ${ref.version}`),
    );
  return result;
}
