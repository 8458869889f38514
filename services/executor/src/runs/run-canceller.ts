import { create } from "@bufbuild/protobuf";
import { ANY_WORKSPACE, type RunScope, type RunStore, type WorkflowRunEntity } from "@mcp/db";
import { FailedPreconditionError, NotFoundError } from "@mcp/errors";
import { RunStatusChangedSchema } from "@mcp/proto/executor";
import type { RunOutcome } from "../engine/types.js";
import type { RunEvents } from "../events/run-events.js";
import { runStatusOf, toRunError } from "./mapping.js";

/**
 * CancelRun: records the request, with the caller's reason as the run's error message. A run nobody
 * drives is cancelled at once; a driven one is stopped by its owner (which sees the request at its
 * next lease renewal, within a third of the lease, whichever replica it runs on), killing its running
 * steps, and ends with the same reason. A run already cancelled is left as it is; cancelling a run that
 * finished otherwise is FAILED_PRECONDITION (`RUN_FINISHED`).
 */
export class RunCanceller {
  constructor(
    private readonly store: RunStore,
    private readonly events: RunEvents,
    /** A run's unfinished sub-workflow runs (cancelled with it); none when not given. */
    private readonly liveChildren: (runId: string) => Promise<string[]> = () => Promise.resolve([]),
  ) {}

  /** Cancels the run of `scope` (a caller's workspace; ANY_WORKSPACE for a parent's children). */
  async cancel(scope: RunScope, runId: string, reason: string): Promise<void> {
    const { run, cancelledNow, seq } = await this.store.requestCancel(scope, runId, reason);
    if (run && !finishedOtherwise(run)) await this.cancelChildren(runId, reason);
    if (!run) throw new NotFoundError("run", runId);
    if (finishedOtherwise(run)) {
      throw new FailedPreconditionError(
        `run "${runId}" already finished (${run.status}); only a pending or running run can be cancelled`,
        "RUN_FINISHED",
        { run_id: runId, status: run.status },
      );
    }
    if (cancelledNow) {
      await this.events.publish(runId, seq, {
        case: "runStatus",
        value: create(RunStatusChangedSchema, {
          status: runStatusOf("cancelled"),
          error: toRunError(run.error),
        }),
      });
      // a sub-workflow run cancelled alone: its parent reads the end now (the trigger set its wake_at)
      if (run.parentRunId && run.parentStepId) await this.events.wake(run.parentRunId);
    }
  }

  /**
   * Cancels the unfinished sub-workflow runs of `runId`, and theirs (each CancelRun goes down one
   * level): a parent's cancel, or the end of a parent that left a child running. Best effort: a
   * child that finished meanwhile is left as it is.
   */
  async cancelChildren(runId: string, reason: string): Promise<void> {
    for (const child of await this.liveChildren(runId)) {
      await this.cancel(ANY_WORKSPACE, child, reason || `parent run ${runId} was cancelled`).catch(
        () => undefined,
      );
    }
  }
}

function finishedOtherwise(run: WorkflowRunEntity): boolean {
  return run.status !== "pending" && run.status !== "running" && run.status !== "cancelled";
}

/**
 * The abort reason a run's driver gives its engine when a cancel was requested: carries the caller's
 * reason ("" when none was given) to the run's final record.
 */
export class CancelRequest {
  constructor(readonly reason: string) {}

  /** The request recorded on a claimed run (its `error` holds the reason), or null when none. */
  static of(run: WorkflowRunEntity): CancelRequest | null {
    if (!run.cancelRequestedAt) return null;
    const message = run.error?.["code"] === "CANCELLED" ? run.error["message"] : undefined;
    return new CancelRequest(typeof message === "string" ? message : "");
  }
}

/** A cancelled outcome with the caller's reason (from the run's abort reason) as its error message. */
export function withCancelReason(outcome: RunOutcome, abortReason: unknown): RunOutcome {
  if (outcome.status !== "cancelled" || !(abortReason instanceof CancelRequest) || abortReason.reason === "")
    return outcome;
  return { ...outcome, error: { code: "CANCELLED", message: abortReason.reason } };
}
