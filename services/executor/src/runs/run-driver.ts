import type { Lock, LockService } from "@mcp/coordination";
import { FenceLostError, type FencedWrites, type RunQueries, type WorkflowRunEntity } from "@mcp/db";
import { create } from "@bufbuild/protobuf";
import { RunStatusChangedSchema } from "@mcp/proto/executor";
import type { RunStore } from "@mcp/db";
import type { Logger } from "@mcp/runtime";
import { runPlan } from "../engine/index.js";
import { LostOwnershipError, type RecordedStep, type RunOutcome, type RunnerFor } from "../engine/types.js";
import type { RunEvents } from "../events/run-events.js";
import type { JsonObject } from "../runners/runner.js";
import { FencedRecorder, type RunMetrics } from "./fenced-recorder.js";
import { runStatusOf, toRunError } from "./mapping.js";
import { withChildSteps } from "./child-steps.js";
import { decodePlan, decodeTools, type StoredPlan } from "./plan-codec.js";
import type { RunStarter } from "./run-starter.js";
import { MCP_RUN_STEP_ID } from "./run-starter.js";

/** Timing of leases and writes. */
export interface LeaseOptions {
  /** How long a claim lasts without renewal; a dead owner's runs are picked up after this. */
  readonly leaseMs: number;
  /** See `RecorderOptions.startWriteDelayMs`. */
  readonly startWriteDelayMs: number;
}

/**
 * Drives one claimed run to its end: holds the Redis lock and the PostgreSQL lease (renewed every
 * third of the lease), replays recorded steps so completed ones never run again, runs the engine with
 * a fenced recorder, and records the outcome (starting the fallback workflow when asked).
 * Losing the lease or the fence stops it at once without writing anything more.
 */
export class RunDriver {
  constructor(
    private readonly deps: {
      readonly store: RunStore;
      readonly writes: FencedWrites;
      readonly queries: RunQueries;
      readonly events: RunEvents;
      readonly locks: LockService;
      readonly runnerFor: RunnerFor;
      readonly starter: RunStarter;
      readonly logger: Logger;
      readonly lease: LeaseOptions;
      readonly metrics?: RunMetrics;
    },
  ) {}

  /** Drives `run` (already claimed with `run.fence`). `stop` aborts it as a lost run (shutdown). */
  async drive(run: WorkflowRunEntity, stop: AbortSignal): Promise<void> {
    const { logger, lease } = this.deps;
    const log = logger.child({ runId: run.id, fence: run.fence });
    const lock = await this.lock(run.id, log);
    if (lock === null) {
      log.info("another executor holds the run's lock; leaving it");
      return;
    }
    this.deps.metrics?.runStarted();
    const controller = new AbortController();
    const onStop = () => controller.abort(new LostOwnershipError(run.id));
    stop.addEventListener("abort", onStop, { once: true });
    const renew = setInterval(
      () => {
        void this.renew(run, lock, controller, log);
      },
      Math.max(50, Math.floor(lease.leaseMs / 3)),
    );
    try {
      if (stop.aborted) return;
      // the claim took this event's sequence number
      this.deps.events.emit(run.id, run.eventSeq, {
        case: "runStatus",
        value: create(RunStatusChangedSchema, { status: runStatusOf("running") }),
      });
      if (run.cancelRequestedAt) controller.abort("cancelled");
      const outcome = await this.execute(run, controller.signal);
      await this.finish(run, outcome, log);
    } catch (err) {
      if (err instanceof LostOwnershipError || err instanceof FenceLostError) {
        log.warn("lost the run to another executor (or shutting down); stopped without further writes");
      } else {
        log.error({ err }, "run driver failed; the run will be retried after its lease expires");
      }
    } finally {
      clearInterval(renew);
      this.deps.metrics?.runStopped();
      stop.removeEventListener("abort", onStop);
      // not awaited: the run is recorded; an unreleased lock only expires with the lease
      if (lock) void lock.release().catch(() => false);
    }
  }

  private async execute(run: WorkflowRunEntity, signal: AbortSignal): Promise<RunOutcome> {
    const plan = decodePlan(run.id, run.plan as unknown as StoredPlan, run.inputs as JsonObject);
    // eventSeq 1 = the claim's own event: nothing was ever recorded, every step is still pending
    const steps = run.eventSeq === "1" ? [] : await this.deps.queries.steps(run.id);
    const recorded: RecordedStep[] = steps
      .filter((s) => s.parentStepRunId === null)
      .map((s) => ({
        stepId: s.stepId,
        status: s.status,
        attempt: s.attempt,
        outputs: (s.outputs as JsonObject | null) ?? null,
      }));
    const recorder = new FencedRecorder(this.deps.writes, this.deps.events, run.id, run.fence, {
      startWriteDelayMs: this.deps.lease.startWriteDelayMs,
      ...(this.deps.metrics ? { metrics: this.deps.metrics } : {}),
    });
    const runnerFor = withChildSteps(
      this.deps.runnerFor,
      recorder,
      decodeTools(run.plan as unknown as StoredPlan),
    );
    let outcome: RunOutcome;
    try {
      outcome = await runPlan(plan, recorded, { recorder, runnerFor, signal });
    } finally {
      recorder.close();
    }
    if (run.kind !== "mcp" || outcome.status !== "succeeded") return outcome;
    // A single-MCP run returns its step's outputs as the run's outputs.
    const step = (await this.deps.queries.steps(run.id)).find((s) => s.stepId === MCP_RUN_STEP_ID);
    return { ...outcome, outputs: (step?.outputs as JsonObject | null) ?? {} };
  }

  private async finish(run: WorkflowRunEntity, outcome: RunOutcome, log: Logger): Promise<void> {
    let fallbackRunId: string | null = null;
    if (outcome.fallbackWorkflow) {
      try {
        fallbackRunId = (await this.deps.starter.fallback(run, outcome.fallbackWorkflow)).run.id;
        log.info({ fallbackRunId, workflow: outcome.fallbackWorkflow }, "started the fallback workflow");
      } catch (err) {
        log.error({ err, workflow: outcome.fallbackWorkflow }, "could not start the fallback workflow");
      }
    }
    const error = outcome.error
      ? { code: outcome.error.code, message: outcome.error.message, stepId: outcome.error.stepId ?? "" }
      : null;
    const seq = await this.deps.writes.updateRun(run.id, run.fence, {
      status: outcome.status,
      outputs: outcome.outputs,
      error,
      finishedAt: new Date(),
      owner: null,
      leaseExpiresAt: null,
      fallbackRunId,
    });
    if (fallbackRunId) await this.deps.events.wake(fallbackRunId);
    this.deps.events.emit(run.id, seq, {
      case: "runStatus",
      value: create(RunStatusChangedSchema, {
        status: runStatusOf(outcome.status),
        error: toRunError(error),
      }),
    });
    this.deps.metrics?.runFinished(outcome.status);
    log.info({ status: outcome.status }, "run finished");
  }

  /** The run's Redis lock; undefined-like fallback when Redis is down (the PostgreSQL fence still protects). */
  private async lock(runId: string, log: Logger): Promise<Lock | null | undefined> {
    try {
      return (await this.deps.locks.acquire(`run:${runId}`, this.deps.lease.leaseMs)) ?? null;
    } catch (err) {
      log.warn(
        { err: err instanceof Error ? err.message : String(err) },
        "lock service unavailable; relying on the database fence alone",
      );
      return undefined;
    }
  }

  private async renew(
    run: WorkflowRunEntity,
    lock: Lock | undefined,
    controller: AbortController,
    log: Logger,
  ): Promise<void> {
    if (controller.signal.aborted && controller.signal.reason instanceof LostOwnershipError) return;
    try {
      const state = await this.deps.store.renew(run.id, run.fence, this.deps.lease.leaseMs);
      if (!state.held) {
        controller.abort(new LostOwnershipError(run.id));
        return;
      }
      if (state.cancelRequested && !controller.signal.aborted) controller.abort("cancelled");
      if (lock) await lock.extend(this.deps.lease.leaseMs).catch(() => false);
    } catch (err) {
      log.warn(
        { err: err instanceof Error ? err.message : String(err) },
        "could not renew the lease; will retry",
      );
    }
  }
}
