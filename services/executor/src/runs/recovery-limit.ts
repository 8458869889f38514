import { create } from "@bufbuild/protobuf";
import {
  untilReachable,
  type FencedWrites,
  type ReachOptions,
  type RunQueries,
  type StepPatch,
  type WorkflowRunEntity,
} from "@mcp/db";
import { RunStatusChangedSchema } from "@mcp/proto/executor";
import type { RunEvents } from "../events/run-events.js";
import { isFinalStepRow, runStatusOf, toRunError, toStepRun } from "./mapping.js";

/**
 * Ends a run that was taken over `run.recoveries` times without any step finishing — its executors
 * keep crashing, stalling or failing on it — FAILED with RECOVERY_LIMIT, instead of running it (and
 * its side effects) yet again: steps left running fail with the same code, pending ones are skipped.
 * The message quotes the last executor's error when one was recorded.
 */
export async function endAtRecoveryLimit(
  deps: { readonly writes: FencedWrites; readonly queries: RunQueries; readonly events: RunEvents },
  run: WorkflowRunEntity,
  maxRecoveries: number,
  reach: ReachOptions,
): Promise<void> {
  const why = run.lastDriverError
    ? `the last executor's error: ${run.lastDriverError}`
    : "no executor recorded an error (they crashed, were killed, or lost the run)";
  const message =
    `the run was taken over ${run.recoveries} times without any step finishing ` +
    `(EXECUTOR_MAX_RECOVERIES=${maxRecoveries}); ${why}`;
  const steps = await untilReachable(() => deps.queries.steps(run.id), reach);
  const finishedAt = new Date();
  const started = steps.filter(
    (s) => s.parentStepRunId === null && !isFinalStepRow(s.status) && s.status !== "pending",
  );
  const pending = steps.filter((s) => s.parentStepRunId === null && s.status === "pending");
  const writes: { ids: string[]; patch: StepPatch }[] = [];
  if (started.length > 0) {
    const ids = started.map((s) => s.stepId);
    writes.push({ ids, patch: { status: "failed", error: { code: "RECOVERY_LIMIT", message } } });
  }
  if (pending.length > 0) {
    const ids = pending.map((s) => s.stepId);
    const skipped = { code: "SKIPPED", message: "not run: the run ended with RECOVERY_LIMIT" };
    writes.push({ ids, patch: { status: "skipped", error: skipped } });
  }
  for (const { ids, patch } of writes) {
    const written = await untilReachable(
      () => deps.writes.updateSteps(run.id, run.fence, ids, { ...patch, finishedAt }),
      reach,
    );
    for (const row of written.rows) {
      deps.events.emit(run.id, written.seq, { case: "stepUpdated", value: toStepRun(row, "") });
    }
  }
  const error = { code: "RECOVERY_LIMIT", message, stepId: started[0]?.stepId ?? "" };
  const seq = await untilReachable(
    () =>
      deps.writes.updateRun(run.id, run.fence, {
        status: "failed",
        error,
        finishedAt,
        owner: null,
        leaseExpiresAt: null,
      }),
    reach,
  );
  deps.events.emit(run.id, seq, {
    case: "runStatus",
    value: create(RunStatusChangedSchema, { status: runStatusOf("failed"), error: toRunError(error) }),
  });
}
