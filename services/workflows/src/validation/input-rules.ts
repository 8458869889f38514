import type { Step, WorkflowSpec } from "@mcp/proto/workflows";
import { IDENTIFIER, LIMITS } from "./formats.js";
import type { StepGraph } from "./graph.js";
import { stepInputPath, stepPath, violation, type SpecViolation } from "./violation.js";

/**
 * The inputs of step `index`: names are identifiers, each has exactly one source, a `workflow_input`
 * is declared in `spec.inputs`, and a `step_output` names another existing step that is upstream.
 * A `step_output` adds no dependency (see the proto): the producer must be an ancestor of this step
 * through `depends_on`, directly or transitively (`ancestors`); otherwise, or when it is this step
 * itself, it is STEP_OUTPUT_NOT_UPSTREAM.
 */
export function stepInputViolations(
  spec: WorkflowSpec,
  step: Step,
  index: number,
  graph: StepGraph,
  ancestors: ReadonlyArray<ReadonlySet<number>>,
): SpecViolation[] {
  const result: SpecViolation[] = [];
  const declared = new Set(spec.inputs.map((input) => input.name));
  const entries = Object.entries(step.inputs);
  if (entries.length > LIMITS.stepInputs) {
    result.push(
      violation(`${stepPath(index)}.inputs`, "TOO_MANY", `at most ${LIMITS.stepInputs} inputs per step`),
    );
  }
  for (const [name, input] of entries) {
    const path = stepInputPath(index, name);
    if (!IDENTIFIER.test(name)) {
      result.push(
        violation(
          path,
          "INVALID_FORMAT",
          "an input name is 1-128 letters, digits and _, not starting with a digit",
        ),
      );
    }
    const source = input.source;
    switch (source.case) {
      case undefined:
        result.push(
          violation(path, "REQUIRED", "set one source: static_value, workflow_input or step_output"),
        );
        break;
      case "staticValue":
        break;
      case "workflowInput":
        if (source.value === "") {
          result.push(violation(`${path}.workflow_input`, "REQUIRED", "name the workflow input to use"));
        } else if (!declared.has(source.value)) {
          result.push(
            violation(
              `${path}.workflow_input`,
              "UNDECLARED_WORKFLOW_INPUT",
              `workflow input "${source.value}" is not declared in spec.inputs`,
            ),
          );
        }
        break;
      case "stepOutput": {
        const field = `${path}.step_output.step_id`;
        const producerId = source.value.stepId;
        const producer = graph.indexOf.get(producerId);
        if (producerId === "") {
          result.push(violation(field, "REQUIRED", "name the step whose output to use"));
        } else if (producer === undefined) {
          result.push(violation(field, "UNKNOWN_STEP", `no step has id "${producerId}"`));
        } else if (producerId === step.stepId) {
          result.push(
            violation(field, "STEP_OUTPUT_NOT_UPSTREAM", `step "${producerId}" cannot use its own output`),
          );
        } else if (!ancestors[index]?.has(producer)) {
          result.push(
            violation(
              field,
              "STEP_OUTPUT_NOT_UPSTREAM",
              `step "${producerId}" is not upstream of "${step.stepId}", so its output may not be ready; ` +
                (ancestors[producer]?.has(index)
                  ? `"${producerId}" itself waits for "${step.stepId}", so take the value from another source`
                  : `add "${producerId}" to depends_on of "${step.stepId}"`),
            ),
          );
        }
        break;
      }
    }
  }
  return result;
}
