import { compileKey, describeProblem, type ConditionProblem } from "@mcp/conditions";
import type { WorkflowSpec } from "@mcp/proto/workflows";
import { violation, type SpecViolation, type SpecViolationCode } from "./violation.js";

/**
 * The workflow's concurrency key (`concurrency_key`, CEL over `inputs`; empty = none): it parses
 * (CONDITION_SYNTAX_ERROR), type-checks to a string, number or bool and reads no step
 * (CONDITION_TYPE_ERROR, UNKNOWN_STEP), and is at most 4096 characters (TOO_LONG). Each description
 * starts with the position in the expression (`CEL syntax error at 1:17: …`), as for `when`.
 */
export function concurrencyKeyViolations(spec: WorkflowSpec): SpecViolation[] {
  if (spec.concurrencyKey === "") return [];
  const compiled = compileKey(spec.concurrencyKey);
  if (compiled.ok) return [];
  return compiled.problems.map((problem) =>
    violation("spec.concurrency_key", codeOf(problem), describeProblem(problem)),
  );
}

function codeOf(problem: ConditionProblem): SpecViolationCode {
  switch (problem.kind) {
    case "syntax":
      return "CONDITION_SYNTAX_ERROR";
    case "too-long":
      return "TOO_LONG";
    case "unknown-step":
    case "step-not-upstream":
      return "UNKNOWN_STEP";
    case "type":
      return "CONDITION_TYPE_ERROR";
  }
}
