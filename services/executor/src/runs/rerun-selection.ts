import type { StepRunEntity } from "@mcp/db";
import { InvalidArgumentError } from "@mcp/errors";
import type { Step } from "@mcp/proto/workflows";
import { isConditionSkip } from "../engine/conditions.js";
import { directDependents, transitiveDependents } from "../engine/order.js";

/** Which steps of an old run a re-run runs again, and which it takes over as they ended. */
export interface RerunSelection {
  /** Step ids that run again, in spec order. */
  readonly rerun: readonly string[];
  /** The old run's top-level rows of the steps taken over (spec order). */
  readonly reused: readonly StepRunEntity[];
}

/**
 * What a re-run of a finished run from `fromStepId` (empty = every step) does, DBOS fork-from-step
 * style over a DAG: `fromStepId` and every step downstream of it (`depends_on`, transitively) run
 * again; so does every step that did not end well enough to be taken over (anything but succeeded or
 * skipped by a condition: failed, cancelled, skipped after a failure, never started) and everything
 * downstream of it, since there is nothing recorded to reuse. Every other step is taken over: its
 * old row (status, outputs, logs, timings) is recorded in the new run, and it never runs.
 *
 * @throws InvalidArgumentError (field `from_step_id`) when `fromStepId` is not a top-level step of
 *   the run: a for_each item or an assistant's tool call names its parent step, anything else lists
 *   the run's steps.
 */
export function selectRerun(
  specSteps: readonly Step[],
  oldRows: readonly StepRunEntity[],
  fromStepId: string,
): RerunSelection {
  const topLevel = new Map(
    oldRows.filter((r) => r.parentStepRunId === null).map((r) => [r.stepId, r] as const),
  );
  if (fromStepId && !specSteps.some((s) => s.stepId === fromStepId)) {
    throw InvalidArgumentError.field("from_step_id", notAStep(fromStepId, specSteps, oldRows));
  }
  const dependents = directDependents(specSteps);
  const again = new Set<string>();
  const rerunFrom = (id: string) => {
    again.add(id);
    for (const d of transitiveDependents(id, dependents)) again.add(d);
  };
  if (!fromStepId) for (const s of specSteps) again.add(s.stepId);
  else rerunFrom(fromStepId);
  for (const step of specSteps) {
    if (!reusable(topLevel.get(step.stepId))) rerunFrom(step.stepId);
  }
  return {
    rerun: specSteps.map((s) => s.stepId).filter((id) => again.has(id)),
    reused: specSteps.flatMap((s) => {
      const row = topLevel.get(s.stepId);
      return row && !again.has(s.stepId) ? [row] : [];
    }),
  };
}

/** A step that ended with something a re-run can stand on: succeeded, or skipped by a condition. */
function reusable(row: StepRunEntity | undefined): boolean {
  if (!row) return false;
  if (row.status === "succeeded") return true;
  const code = row.error?.["code"];
  return row.status === "skipped" && isConditionSkip(typeof code === "string" ? code : undefined);
}

/** Why `id` cannot be re-run from, saying what can. */
function notAStep(id: string, specSteps: readonly Step[], oldRows: readonly StepRunEntity[]): string {
  const steps = specSteps.map((s) => `"${s.stepId}"`).join(", ");
  const child = oldRows.find((r) => r.stepId === id && r.parentStepRunId !== null);
  const parent = child && oldRows.find((r) => r.id === child.parentStepRunId);
  if (parent) {
    const what = child.itemIndex !== null ? "an item of for_each step" : "a tool call of step";
    return `"${id}" is ${what} "${parent.stepId}", not a step of its own: re-run from "${parent.stepId}" (the run's steps: ${steps})`;
  }
  return `the run has no step "${id}"; its steps: ${steps}`;
}
