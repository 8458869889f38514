import type { Step, WorkflowSpec } from "@mcp/proto/workflows";
import { IDENTIFIER, LIMITS } from "./formats.js";
import type { StepGraph } from "./graph.js";
import { valueSourceViolations } from "./value-source.js";
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
      case "stepOutput":
        result.push(
          ...valueSourceViolations(
            source,
            path,
            { spec, step, index, graph, ancestors },
            {
              missingInput: "name the workflow input to use",
              missingStep: "name the step whose output to use",
              ownOutput: "cannot use its own output",
            },
          ),
        );
        break;
    }
  }
  return result;
}
