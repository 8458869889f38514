import type { Step, StepOutputRef, WorkflowSpec } from "@mcp/proto/workflows";
import type { StepGraph } from "./graph.js";
import { violation, type SpecViolation } from "./violation.js";

/** Where step `index` reads a value from: a workflow input, or an upstream step's output. */
export type ValueSource =
  | { readonly case: "workflowInput"; readonly value: string }
  | { readonly case: "stepOutput"; readonly value: StepOutputRef };

/** How the caller words a missing source ("to use", "holding the list") and reading its own output. */
export interface SourceWording {
  readonly missingInput: string;
  readonly missingStep: string;
  readonly ownOutput: string;
}

/**
 * A value source of step `index` at `path`: a declared workflow input (REQUIRED,
 * UNDECLARED_WORKFLOW_INPUT), or the output of a step upstream of it through `depends_on`, directly
 * or transitively (`ancestors`): REQUIRED, UNKNOWN_STEP, and STEP_OUTPUT_NOT_UPSTREAM when it is
 * this step itself or not upstream (with a hint on how to fix it).
 */
export function valueSourceViolations(
  source: ValueSource,
  path: string,
  context: {
    readonly spec: WorkflowSpec;
    readonly step: Step;
    readonly index: number;
    readonly graph: StepGraph;
    readonly ancestors: ReadonlyArray<ReadonlySet<number>>;
  },
  wording: SourceWording,
): SpecViolation[] {
  const { spec, step, index, graph, ancestors } = context;
  if (source.case === "workflowInput") {
    const field = `${path}.workflow_input`;
    if (source.value === "") return [violation(field, "REQUIRED", wording.missingInput)];
    if (!spec.inputs.some((input) => input.name === source.value)) {
      return [
        violation(
          field,
          "UNDECLARED_WORKFLOW_INPUT",
          `workflow input "${source.value}" is not declared in spec.inputs`,
        ),
      ];
    }
    return [];
  }
  const field = `${path}.step_output.step_id`;
  const producerId = source.value.stepId;
  const producer = graph.indexOf.get(producerId);
  if (producerId === "") return [violation(field, "REQUIRED", wording.missingStep)];
  if (producer === undefined) return [violation(field, "UNKNOWN_STEP", `no step has id "${producerId}"`)];
  if (producerId === step.stepId) {
    return [violation(field, "STEP_OUTPUT_NOT_UPSTREAM", `step "${producerId}" ${wording.ownOutput}`)];
  }
  if (ancestors[index]?.has(producer)) return [];
  return [
    violation(
      field,
      "STEP_OUTPUT_NOT_UPSTREAM",
      `step "${producerId}" is not upstream of "${step.stepId}", so its output may not be ready; ` +
        (ancestors[producer]?.has(index)
          ? `"${producerId}" itself waits for "${step.stepId}", so take the value from another source`
          : `add "${producerId}" to depends_on of "${step.stepId}"`),
    ),
  ];
}
