import type { WorkflowSpec } from "@mcp/proto/workflows";
import { conditionViolations } from "./condition-rules.js";
import { forEachViolations } from "./for-each-rules.js";
import { LIMITS, STEP_ID } from "./formats.js";
import { ancestorIndexes, type StepGraph } from "./graph.js";
import { stepInputViolations } from "./input-rules.js";
import { mcpReferenceViolations } from "./mcp-refs.js";
import { isWaitStep, waitViolations } from "./wait-rules.js";
import { subWorkflowViolations } from "./sub-workflow-rules.js";
import { inRange, stepPath, violation, type SpecViolation } from "./violation.js";

/** Per-step rules: id, name, MCP reference, depends_on, inputs and timeout of every step. */
export function stepViolations(spec: WorkflowSpec, graph: StepGraph): SpecViolation[] {
  const ancestors = ancestorIndexes(graph);
  return spec.steps.flatMap((step, index) => [
    ...stepIdViolations(spec, index),
    ...(step.name.length > LIMITS.stepName
      ? [
          violation(
            `${stepPath(index)}.name`,
            "TOO_LONG",
            `a step name is at most ${LIMITS.stepName} characters`,
          ),
        ]
      : []),
    // a sleep, wait_for_signal or approval step calls no MCP (wait-rules), a workflow step neither
    ...(isWaitStep(step) || step.workflow ? [] : mcpReferenceViolations(step, index)),
    ...subWorkflowViolations(step, index),
    ...waitViolations(spec, step, index, graph, ancestors),
    ...dependsOnViolations(spec, index, graph),
    ...stepInputViolations(spec, step, index, graph, ancestors),
    ...forEachViolations(spec, step, index, graph, ancestors),
    ...conditionViolations(spec, step, index, graph, ancestors),
    ...(step.timeoutSeconds !== undefined && !inRange(step.timeoutSeconds, 1, 86_400)
      ? [
          violation(
            `${stepPath(index)}.timeout_seconds`,
            "OUT_OF_RANGE",
            "a step timeout is 1..86400 seconds",
          ),
        ]
      : []),
  ]);
}

/** step_id: required, `a-zA-Z0-9_-` (1-128), and unique; a duplicate names the step that has it first. */
function stepIdViolations(spec: WorkflowSpec, index: number): SpecViolation[] {
  const field = `${stepPath(index)}.step_id`;
  const id = spec.steps[index]?.stepId ?? "";
  if (id === "") return [violation(field, "REQUIRED", "a step id is required")];
  const result: SpecViolation[] = [];
  if (!STEP_ID.test(id)) {
    result.push(
      violation(field, "INVALID_FORMAT", `"${id}" is not a step id (1-128 characters of a-z A-Z 0-9 _ -)`),
    );
  }
  const first = spec.steps.findIndex((other) => other.stepId === id);
  if (first !== index) {
    result.push(
      violation(
        field,
        "DUPLICATE_STEP_ID",
        `step id "${id}" of spec.steps[${index}] is already used by spec.steps[${first}]`,
      ),
    );
  }
  return result;
}

/** depends_on: at most 200 entries, each an existing step, not the step itself, not repeated. */
function dependsOnViolations(spec: WorkflowSpec, index: number, graph: StepGraph): SpecViolation[] {
  const step = spec.steps[index];
  if (!step) return [];
  const result: SpecViolation[] = [];
  if (step.dependsOn.length > LIMITS.dependsOn) {
    result.push(
      violation(`${stepPath(index)}.depends_on`, "TOO_MANY", `at most ${LIMITS.dependsOn} dependencies`),
    );
  }
  step.dependsOn.forEach((id, k) => {
    const field = `${stepPath(index)}.depends_on[${k}]`;
    const earlier = step.dependsOn.indexOf(id);
    if (id === "") {
      result.push(violation(field, "REQUIRED", "a dependency names a step id"));
    } else if (id === step.stepId) {
      result.push(violation(field, "SELF_DEPENDENCY", `step "${id}" cannot depend on itself`));
    } else if (!graph.indexOf.has(id)) {
      result.push(violation(field, "UNKNOWN_DEPENDENCY", `no step has id "${id}"`));
    } else if (earlier !== k) {
      result.push(
        violation(field, "DUPLICATE_DEPENDENCY", `"${id}" is already listed at depends_on[${earlier}]`),
      );
    }
  });
  return result;
}
