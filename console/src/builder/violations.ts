import type { Violation, WorkflowSpec } from "@mcp/proto/workflows";

/**
 * Which part of a step's side panel a violation belongs to, from its field path
 * (`spec.steps[2].inputs["text"]`, `spec.steps[0].depends_on[1]`, ...).
 */
export type StepPart =
  | { readonly kind: "id" }
  | { readonly kind: "target" }
  | { readonly kind: "dependsOn" }
  | { readonly kind: "inputs" }
  | { readonly kind: "input"; readonly name: string }
  | { readonly kind: "when" }
  | { readonly kind: "strategy" }
  | { readonly kind: "forEach" }
  | { readonly kind: "other" };

/** A violation placed on the step it is about. */
export interface StepViolation {
  readonly stepId: string;
  readonly part: StepPart;
  readonly violation: Violation;
}

/** Violations sorted into the steps they concern and the rest (inputs, outputs, the spec as a whole). */
export interface PlacedViolations {
  readonly steps: readonly StepViolation[];
  readonly workflow: readonly Violation[];
}

const STEP_FIELD = /^spec\.steps\[(\d+)\](?:\.(.*))?$/;
const INPUT_FIELD = /^inputs\[("(?:[^"\\]|\\.)*")\]/;

function partOf(rest: string | undefined): StepPart {
  if (rest === undefined || rest === "") return { kind: "other" };
  const input = INPUT_FIELD.exec(rest);
  if (input?.[1] !== undefined) return { kind: "input", name: JSON.parse(input[1]) as string };
  const head = rest.split(/[.[]/)[0];
  switch (head) {
    case "step_id":
      return { kind: "id" };
    case "mcp":
    case "workflow":
      return { kind: "target" };
    case "depends_on":
      return { kind: "dependsOn" };
    case "inputs":
      return { kind: "inputs" };
    case "when":
    case "run_if_skipped":
      return { kind: "when" };
    case "on_error":
    case "retry":
    case "timeout_seconds":
      return { kind: "strategy" };
    case "for_each":
      return { kind: "forEach" };
    default:
      return { kind: "other" };
  }
}

/**
 * Places ValidateWorkflow's violations of `spec` (the spec that was validated: field paths index its
 * steps) on its steps, by step id, and the part of the step's panel they concern.
 */
export function placeViolations(spec: WorkflowSpec, violations: readonly Violation[]): PlacedViolations {
  const steps: StepViolation[] = [];
  const workflow: Violation[] = [];
  for (const violation of violations) {
    const match = STEP_FIELD.exec(violation.field);
    const step = match ? spec.steps[Number(match[1])] : undefined;
    if (!match || !step) workflow.push(violation);
    else steps.push({ stepId: step.stepId, part: partOf(match[2]), violation });
  }
  return { steps, workflow };
}

/** Each step's problems, as the descriptions shown on its box. */
export function problemsByStep(placed: PlacedViolations): Map<string, string[]> {
  const byStep = new Map<string, string[]>();
  for (const { stepId, violation } of placed.steps) {
    byStep.set(stepId, [...(byStep.get(stepId) ?? []), violation.description]);
  }
  return byStep;
}

/** The descriptions of one step's violations of one kind of part (of one input, for `input`). */
export function problemsOf(
  placed: PlacedViolations,
  stepId: string,
  kind: StepPart["kind"],
  inputName?: string,
): string[] {
  return placed.steps
    .filter(
      (v) =>
        v.stepId === stepId &&
        v.part.kind === kind &&
        (inputName === undefined || (v.part.kind === "input" && v.part.name === inputName)),
    )
    .map((v) => v.violation.description);
}
