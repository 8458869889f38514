import type { StepRun } from "@mcp/proto/executor";
import type { Step } from "@mcp/proto/workflows";

/** A step's condition as the DAG shows it: a short label on the node, the full text in its title. */
export interface ConditionBadge {
  /** `when <expression>`, cut to {@link MAX_BADGE_CHARS} characters with an ellipsis. */
  readonly label: string;
  /** The whole condition, and whether the step runs even when a dependency was skipped by one. */
  readonly title: string;
}

/** Longest condition label drawn on a node. */
export const MAX_BADGE_CHARS = 32;

/** The badge of a step with a `when` or `run_if_skipped`; undefined for a step without either. */
export function conditionBadge(step: Pick<Step, "when" | "runIfSkipped">): ConditionBadge | undefined {
  const when = step.when.trim();
  if (when === "" && !step.runIfSkipped) return undefined;
  const full = when === "" ? "runs if skipped" : `when ${when.replace(/\s+/g, " ")}`;
  const label = full.length > MAX_BADGE_CHARS ? `${full.slice(0, MAX_BADGE_CHARS - 1)}…` : full;
  const title = [
    when === "" ? undefined : `Runs only when: ${when}`,
    step.runIfSkipped
      ? "Runs even when a dependency was skipped by a condition (run_if_skipped)."
      : undefined,
  ]
    .filter((line) => line !== undefined)
    .join("\n");
  return { label: step.runIfSkipped && when !== "" ? `${label} ⤳` : label, title };
}

/** Error codes of a step skipped by a condition: its own was false, or one upstream was. */
const CONDITION_SKIP_CODES = new Set(["CONDITION_FALSE", "UPSTREAM_CONDITION_FALSE"]);

/** Whether a step run was skipped by a condition (not by a failure, a stop or a cancel). */
export function skippedByCondition(step: Pick<StepRun, "error">): boolean {
  return CONDITION_SKIP_CODES.has(step.error?.code ?? "");
}
