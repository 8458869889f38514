import { Code, ConnectError } from "@connectrpc/connect";
import type { HeldTick, ScheduleTicks, TickOutcomeName, WorkflowRunEntity } from "@mcp/db";
import { DomainError, errorMessage } from "@mcp/errors";
import type { WorkflowRun } from "@mcp/proto/executor";
import type { Logger } from "@mcp/runtime";
import type { RunCanceller } from "../runs/run-canceller.js";
import type { RunLauncher } from "../runs/run-launcher.js";
import { scheduleRequestId, type RunStarter } from "../runs/run-starter.js";
import { workflowRefOf } from "./schedule-book.js";

/** What firing a tick came to. */
export interface Fired {
  readonly outcome: TickOutcomeName;
  /** The run started (or found again), when the outcome is `started`. */
  readonly runId?: string;
  readonly run?: WorkflowRun;
  readonly reason?: string;
}

/** Codes another service answers when the schedule itself is wrong now (the workflow was deleted, ...). */
const CALLER_CODES = new Set([
  Code.NotFound,
  Code.InvalidArgument,
  Code.FailedPrecondition,
  Code.AlreadyExists,
]);

/** True for an error that firing again would meet again: the tick fails instead of being retried. */
function lasting(err: unknown): boolean {
  if (err instanceof DomainError) return err.kind !== "unavailable";
  return err instanceof ConnectError && CALLER_CODES.has(err.code);
}

/**
 * Fires one held tick under its schedule's overlap policy: starts its run through the run launcher (so
 * it is admitted and driven like every other run), with a request id derived from (schedule, tick),
 * so a tick fired again after a crash finds its run instead of starting a second. Records the outcome
 * on the tick. A transient failure (PostgreSQL or the workflows service unreachable) leaves the tick
 * pending: it is fired again once its claim runs out.
 */
export class ScheduleFirer {
  constructor(
    private readonly deps: {
      readonly ticks: ScheduleTicks;
      /** The run of `workspace` started with this request id. */
      readonly findRun: (workspace: string, requestId: string) => Promise<WorkflowRunEntity | null>;
      readonly starter: Pick<RunStarter, "scheduled">;
      readonly launcher: Pick<RunLauncher, "launch">;
      readonly canceller: Pick<RunCanceller, "cancel">;
      readonly logger: Logger;
      readonly onOutcome?: (outcome: TickOutcomeName) => void;
    },
  ) {}

  async fire({ schedule, tick }: HeldTick): Promise<Fired> {
    const { ticks } = this.deps;
    const done = async (fired: Fired): Promise<Fired> => {
      this.deps.onOutcome?.(fired.outcome);
      return fired;
    };
    // fired before, by an executor that died before it recorded the outcome
    const earlier = await this.deps.findRun(
      schedule.workspace,
      scheduleRequestId(schedule.id, tick.kind, tick.tickAt),
    );
    if (earlier) {
      await ticks.finish(tick, "started", earlier.id);
      return done({ outcome: "started", runId: earlier.id });
    }
    const live = await ticks.liveRuns(schedule.id);
    const running = live[0];
    if (running !== undefined) {
      switch (schedule.overlapPolicy) {
        case "skip": {
          const reason = `run ${running} of this schedule was still running (overlap policy skip)`;
          await ticks.finish(tick, "skipped", null, reason);
          return done({ outcome: "skipped", reason });
        }
        case "buffer_one": {
          if (await ticks.buffer(tick)) return done({ outcome: "buffered" });
          const reason = `run ${running} was still running and another tick already waits for it (overlap policy buffer_one)`;
          await ticks.finish(tick, "skipped", null, reason);
          return done({ outcome: "skipped", reason });
        }
        case "cancel_previous":
          for (const id of live) {
            await this.deps.canceller
              .cancel(
                schedule.workspace,
                id,
                `replaced by the tick of ${tick.tickAt.toISOString()} of schedule "${schedule.name}" (overlap policy cancel_previous)`,
              )
              .catch((err: unknown) =>
                this.deps.logger.debug({ err, run_id: id }, "run ended before it could be cancelled"),
              );
          }
          break;
        default:
          break; // allow
      }
    }
    try {
      const { run } = await this.deps.launcher.launch(
        (claim) =>
          this.deps.starter.scheduled(
            schedule.workspace,
            workflowRefOf(schedule),
            schedule.inputs,
            { scheduleId: schedule.id, scheduleTickAt: tick.tickAt, kind: tick.kind },
            claim,
          ),
        { wait: false },
      );
      await ticks.finish(tick, "started", run.id);
      return done({ outcome: "started", runId: run.id, run });
    } catch (err) {
      if (!lasting(err)) throw err;
      const reason = errorMessage(err);
      await ticks.finish(tick, "failed", null, reason);
      this.deps.logger.warn(
        { schedule: schedule.name, tick: tick.tickAt.toISOString(), reason },
        "a schedule's tick could not start its run",
      );
      return done({ outcome: "failed", reason });
    }
  }
}
