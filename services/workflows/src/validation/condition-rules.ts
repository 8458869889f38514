import { compileCondition, describeProblem, type ConditionProblem } from "@mcp/conditions";
import type { Step, WorkflowSpec } from "@mcp/proto/workflows";
import type { StepGraph } from "./graph.js";
import { stepPath, violation, type SpecViolation, type SpecViolationCode } from "./violation.js";

/**
 * The condition of step `index` (`when`, a CEL expression; empty = none): it parses
 * (CONDITION_SYNTAX_ERROR), type-checks over `inputs` and `steps` and is bool
 * (CONDITION_TYPE_ERROR), every `steps.<id>` it reads names a step (UNKNOWN_STEP) upstream of this one
 * through `depends_on` (CONDITION_STEP_NOT_UPSTREAM), and it is at most 4096 characters (TOO_LONG).
 * Each description starts with the position in the expression (`CEL type error at 1:17: …`).
 * `run_if_skipped` needs no check.
 */
export function conditionViolations(
  spec: WorkflowSpec,
  step: Step,
  index: number,
  graph: StepGraph,
  ancestors: ReadonlyArray<ReadonlySet<number>>,
): SpecViolation[] {
  if (step.when === "") return [];
  const upstream = new Set([...(ancestors[index] ?? [])].map((i) => graph.ids[i] ?? ""));
  upstream.delete(step.stepId);
  const compiled = compileCondition(step.when, { known: new Set(spec.steps.map((s) => s.stepId)), upstream });
  if (compiled.ok) return [];
  const field = `${stepPath(index)}.when`;
  return compiled.problems.map((problem) => violation(field, codeOf(problem), describeProblem(problem)));
}

function codeOf(problem: ConditionProblem): SpecViolationCode {
  switch (problem.kind) {
    case "syntax":
      return "CONDITION_SYNTAX_ERROR";
    case "type":
      return "CONDITION_TYPE_ERROR";
    case "too-long":
      return "TOO_LONG";
    case "unknown-step":
      return "UNKNOWN_STEP";
    case "step-not-upstream":
      return "CONDITION_STEP_NOT_UPSTREAM";
  }
}
