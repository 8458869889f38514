import type { Step, WorkflowSpec } from "@mcp/proto/workflows";
import { FIELD_PATH, LIMITS } from "./formats.js";
import type { StepGraph } from "./graph.js";
import { valueSourceViolations } from "./value-source.js";
import { inRange, stepInputPath, stepPath, violation, type SpecViolation } from "./violation.js";

/**
 * The iteration of step `index` (`for_each`) and its per-item inputs:
 * - `for_each` only on an MCP or a `workflow` step (one child run per item), not on a `sleep`,
 *   `wait_for_signal` or `approval` step: FOR_EACH_NOT_ON_MCP_STEP;
 * - its source is exactly one of a declared `workflow_input` or the `step_output` of a step upstream
 *   through `depends_on` (as a `step_output` input: REQUIRED, UNDECLARED_WORKFLOW_INPUT, UNKNOWN_STEP,
 *   STEP_OUTPUT_NOT_UPSTREAM);
 * - `path` is empty or dot-separated segments of letters, digits, `_` and `-`, at most 512 characters;
 * - `max_concurrency` is 1..64 when set;
 * - an input reading `item` / `item_index` is only allowed on a `for_each` step (ITEM_OUTSIDE_FOR_EACH);
 *   `item` is a field path like `path`; `item_index` must be true.
 */
export function forEachViolations(
  spec: WorkflowSpec,
  step: Step,
  index: number,
  graph: StepGraph,
  ancestors: ReadonlyArray<ReadonlySet<number>>,
): SpecViolation[] {
  return [...itemInputViolations(step, index), ...iterationViolations(spec, step, index, graph, ancestors)];
}

function iterationViolations(
  spec: WorkflowSpec,
  step: Step,
  index: number,
  graph: StepGraph,
  ancestors: ReadonlyArray<ReadonlySet<number>>,
): SpecViolation[] {
  const forEach = step.forEach;
  if (forEach === undefined) return [];
  const at = `${stepPath(index)}.for_each`;
  const result: SpecViolation[] = [];
  if (step.sleep !== undefined || step.waitForSignal !== undefined || step.approval !== undefined) {
    result.push(
      violation(
        at,
        "FOR_EACH_NOT_ON_MCP_STEP",
        "for_each runs an MCP or a sub-workflow once per item; a sleep, wait_for_signal or approval step cannot iterate",
      ),
    );
  }
  const source = forEach.source;
  switch (source.case) {
    case undefined:
      result.push(violation(at, "REQUIRED", "set where the list comes from: workflow_input or step_output"));
      break;
    case "workflowInput":
    case "stepOutput":
      result.push(
        ...valueSourceViolations(
          source,
          at,
          { spec, step, index, graph, ancestors },
          {
            missingInput: "name the workflow input holding the list",
            missingStep: "name the step whose output holds the list",
            ownOutput: "cannot iterate over its own output",
          },
        ),
      );
      break;
  }
  result.push(...fieldPathViolations(`${at}.path`, forEach.path));
  if (
    forEach.maxConcurrency !== undefined &&
    !inRange(forEach.maxConcurrency, 1, LIMITS.forEachConcurrency)
  ) {
    result.push(
      violation(
        `${at}.max_concurrency`,
        "OUT_OF_RANGE",
        `max_concurrency is 1..${LIMITS.forEachConcurrency} items at once`,
      ),
    );
  }
  return result;
}

function itemInputViolations(step: Step, index: number): SpecViolation[] {
  const result: SpecViolation[] = [];
  for (const [name, input] of Object.entries(step.inputs)) {
    const source = input.source;
    if (source.case !== "item" && source.case !== "itemIndex") continue;
    const field = `${stepInputPath(index, name)}.${source.case === "item" ? "item" : "item_index"}`;
    if (step.forEach === undefined) {
      result.push(
        violation(
          field,
          "ITEM_OUTSIDE_FOR_EACH",
          `input "${name}" reads the current item, but step "${step.stepId}" has no for_each`,
        ),
      );
    }
    if (source.case === "item") result.push(...fieldPathViolations(field, source.value));
    else if (!source.value) {
      result.push(violation(field, "REQUIRED", "item_index must be true (the current item's 0-based index)"));
    }
  }
  return result;
}

/** A dot-separated field path: empty, or segments of `A-Za-z0-9_-` joined by `.`, at most 512 characters. */
function fieldPathViolations(field: string, path: string): SpecViolation[] {
  if (path.length > LIMITS.fieldPath) {
    return [violation(field, "TOO_LONG", `a field path is at most ${LIMITS.fieldPath} characters`)];
  }
  if (path !== "" && !FIELD_PATH.test(path)) {
    return [
      violation(
        field,
        "INVALID_FORMAT",
        `"${path}" is not a field path (segments of letters, digits, _ and - joined by ".", e.g. data.documents)`,
      ),
    ];
  }
  return [];
}
