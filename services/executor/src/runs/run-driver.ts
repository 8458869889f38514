import type { Lock, LockService } from "@mcp/coordination";
import {
  FenceLostError,
  untilReachable,
  type FencedWrites,
  type ReachOptions,
  type RunPermits,
  type RunQueries,
  type RunWaits,
  type StepRunEntity,
  type WorkflowRunEntity,
} from "@mcp/db";
import { create } from "@bufbuild/protobuf";
import { RunStatusChangedSchema } from "@mcp/proto/executor";
import type { RunStore } from "@mcp/db";
import type { Logger } from "@mcp/runtime";
import { runPlan } from "../engine/index.js";
import {
  LostOwnershipError,
  type RecordedError,
  type RecordedStep,
  type RunOutcome,
} from "../engine/types.js";
import type { RunnerFor } from "../step/index.js";
import type { RunEvents } from "../events/run-events.js";
import type { JsonObject } from "../step/index.js";
import { recordedItems } from "./item-writes.js";
import { FencedRecorder, type RunMetrics } from "./fenced-recorder.js";
import { isFinalStepRow, runStatusOf, toRunError } from "./mapping.js";
import { withChildSteps } from "./child-steps.js";
import { decodePlan, MCP_RUN_STEP_ID, type DecodedPlan } from "./plan-codec.js";
import { endAtRecoveryLimit } from "./recovery-limit.js";
import { CancelRequest, withCancelReason } from "./run-canceller.js";
import { errorMessage } from "@mcp/errors";
import { earliest, type EngineResult, type RunParked } from "../engine/waiting.js";
import { FencedWaits } from "./run-waits-port.js";
import { FencedPermits } from "./permits-port.js";
import { FencedSubWorkflows, type LaunchChild } from "./sub-workflow-port.js";
import { inSpan, traceIdOf } from "@mcp/runtime";
import { runDriveSpan } from "./run-spans.js";
import { observeSteps } from "./step-observer.js";
import type { LlmUsageMeter } from "../usage/llm-usage.js";
import type { EndedRuns } from "./ended-runs.js";

/** Timing of leases and writes. */
export interface LeaseOptions {
  /** How long a claim lasts without renewal; a dead owner's runs are picked up after this. */
  readonly leaseMs: number;
  /** See `RecorderOptions.startWriteDelayMs`. */
  readonly startWriteDelayMs: number;
  /** A run taken over more often than this without progress ends with RECOVERY_LIMIT. */
  readonly maxRecoveries: number;
}

/**
 * Drives one claimed run to its end: holds the Redis lock and the PostgreSQL lease (renewed every
 * third of the lease), replays recorded steps so completed ones never run again, runs the engine with
 * a fenced recorder, and records the outcome (starting the fallback workflow when asked).
 * Losing the lease or the fence stops it at once without writing anything more. While PostgreSQL
 * cannot be reached it keeps the run and tries its writes again (the fence decides when the
 * database is back); a run taken over too often without progress ends with RECOVERY_LIMIT; a run
 * it cannot drive for any other reason is given up at once, with the reason, not left to its lease.
 */
export class RunDriver {
  constructor(
    private readonly deps: {
      readonly store: RunStore;
      readonly writes: FencedWrites;
      readonly queries: RunQueries;
      /** Parking runs whose steps wait (sleep, signal, approval) and receiving their signals. */
      readonly waits: RunWaits;
      /** Permits of MCPs with `max_concurrency`; without it limits are not applied. */
      readonly permits?: RunPermits;
      readonly events: RunEvents;
      readonly locks: LockService;
      readonly runnerFor: RunnerFor;
      /** Starts a failed run's fallback workflow; resolves with the fallback run's id. */
      readonly startFallback: (failed: WorkflowRunEntity, workflowName: string) => Promise<string>;
      /** Starts a sub-workflow step's child run (sub-workflow-port.ts); without it such steps fail. */
      readonly launchChild?: LaunchChild;
      /** Cancels a run's unfinished sub-workflow runs (when it ends). */
      readonly cancelChildren?: (runId: string, reason: string) => Promise<void>;
      readonly logger: Logger;
      readonly lease: LeaseOptions;
      readonly metrics?: RunMetrics;
      /** Callers here waiting for runs' ends (docs/adr/029): their run's end is read back with its write. */
      readonly endedRuns?: EndedRuns;
      /** Prices and counts LLM token usage (usage/llm-usage.ts); without it usage is recorded as runners report it. */
      readonly usage?: LlmUsageMeter;
    },
  ) {}

  /**
   * Drives `run` (already claimed with `run.fence`). `stop` aborts it as a lost run (shutdown).
   * `seizeLock`: the run was taken from an executor whose session ended (ADR 024), so its run lock,
   * which nobody will renew, is taken at once rather than when its TTL runs out.
   * `plan`: the run's plan decoded, when the caller created the run (else it is decoded from `run.plan`).
   * `lock`: the run's Redis lock as {@link lockNew} took it, for a run created here (else taken now).
   * Resolves with the wake time when the run was parked (null = until woken), else undefined.
   */
  async drive(
    run: WorkflowRunEntity,
    stop: AbortSignal,
    options: { seizeLock?: boolean; plan?: DecodedPlan; lock?: Promise<Lock | null | undefined> } = {},
  ): Promise<{ parkedUntil: Date | null } | undefined> {
    const { logger, lease } = this.deps;
    const log = logger.child({ run_id: run.id, trace_id: traceIdOf(run.traceParent), fence: run.fence });
    const lock = await (options.lock ?? this.lock(run.id, options.seizeLock === true));
    if (lock === null) {
      log.info("another executor holds the run's lock; leaving it");
      return undefined;
    }
    this.deps.metrics?.runStarted();
    const controller = new AbortController();
    // aborted only when the run is lost (or on shutdown), not on cancel: writes retried through an
    // outage stop then, and only then
    const lost = new AbortController();
    const loseRun = () => {
      const reason = new LostOwnershipError(run.id);
      lost.abort(reason);
      controller.abort(reason);
    };
    stop.addEventListener("abort", loseRun, { once: true });
    const reach: ReachOptions = {
      signal: lost.signal,
      onRetry: (err, attempt) => {
        this.deps.metrics?.writeRetried();
        if (attempt === 1) {
          log.warn({ err }, "database unreachable: keeping the run and trying its writes again");
        }
      },
    };
    const renewal = { failing: false };
    const renew = setInterval(
      () => {
        void this.renew(run, lock, controller, loseRun, log, renewal);
      },
      Math.max(50, Math.floor(lease.leaseMs / 3)),
    );
    try {
      if (stop.aborted) return undefined;
      // the claim took this event's sequence number
      this.deps.events.emit(run.id, run.eventSeq, {
        case: "runStatus",
        value: create(RunStatusChangedSchema, { status: runStatusOf("running") }),
      });
      if (run.recoveries > lease.maxRecoveries) {
        await endAtRecoveryLimit(this.deps, run, lease.maxRecoveries, reach);
        this.deps.metrics?.recoveryLimitReached();
        this.deps.metrics?.runFinished("failed");
        log.warn({ recoveries: run.recoveries }, "run ended with RECOVERY_LIMIT");
        return undefined;
      }
      const cancel = CancelRequest.of(run);
      if (cancel) controller.abort(cancel);
      const decoded = options.plan ?? decodePlan(run);
      const { outcome, recorder } = await inSpan(runDriveSpan(run), async (span) => {
        const executed = await this.execute(run, decoded, controller.signal, reach, log);
        span.setAttribute("mcp.run.status", executed.outcome.status);
        return executed;
      });
      if (outcome.status === "parked") {
        await recorder.flushHeld();
        return await this.park(run, outcome, log, reach);
      }
      // only a plan with sub-workflow steps can have left child runs to cancel (no query otherwise)
      const startsChildren = decoded.plan.spec.steps.some((step) => step.workflow !== undefined);
      const ended = withCancelReason(outcome, controller.signal.reason);
      await this.finish(run, ended, recorder, startsChildren, log, reach);
    } catch (err) {
      if (err instanceof LostOwnershipError || err instanceof FenceLostError) {
        log.warn("lost the run to another executor (or shutting down); stopped without further writes");
      } else {
        // give it up now, saying why (RECOVERY_LIMIT quotes it), rather than after the lease
        const why = errorMessage(err);
        log.error({ err }, "run driver failed; the run is given up to be taken again");
        await untilReachable(() => this.deps.store.giveUp(run.id, run.fence, why.slice(0, 2000)), {
          signal: lost.signal,
        }).catch(() => undefined);
      }
    } finally {
      clearInterval(renew);
      this.deps.metrics?.runStopped();
      stop.removeEventListener("abort", loseRun);
      // not awaited: the run is recorded; an unreleased lock only expires with the lease
      if (lock) void lock.release().catch(() => false);
    }
    return undefined;
  }

  /** Leaves a run whose steps wait: no owner, no lease, claimable again at its wake time. */
  private async park(
    run: WorkflowRunEntity,
    parked: RunParked,
    log: Logger,
    reach: ReachOptions,
  ): Promise<{ parkedUntil: Date | null }> {
    const seq = await untilReachable(() => this.deps.waits.park(run.id, run.fence, parked.wakeAt), reach);
    // the park took a sequence number: watchers get it (the run is still RUNNING), so they see no gap
    this.deps.events.emit(run.id, seq, {
      case: "runStatus",
      value: create(RunStatusChangedSchema, { status: runStatusOf("running") }),
    });
    log.info({ wakeAt: parked.wakeAt?.toISOString() ?? "when woken" }, "run parked");
    return { parkedUntil: parked.wakeAt };
  }

  private async execute(
    run: WorkflowRunEntity,
    { plan, tools, recordedAtCreate }: DecodedPlan,
    signal: AbortSignal,
    reach: ReachOptions,
    log: Logger,
  ): Promise<{ outcome: EngineResult; recorder: FencedRecorder }> {
    // eventSeq 1 = the claim's own event: nothing was recorded since the run was created, so every
    // step is still pending (unless it was created with steps recorded: a re-run's reused steps)
    const steps =
      run.eventSeq === "1" && !recordedAtCreate
        ? []
        : await untilReachable(() => this.deps.queries.steps(run.id), reach);
    const items = recordedItems(steps);
    const recorded: RecordedStep[] = steps
      .filter((s) => s.parentStepRunId === null)
      .map((s) => ({
        stepId: s.stepId,
        status: s.status,
        attempt: s.attempt,
        outputs: s.outputs ?? null,
        // a failure is the run's error again on resume; a skip's code tells a condition skip
        error: recordedError(s),
        wakeAt: s.wakeAt,
        items: items.get(s.id) ?? [],
      }));
    const decided = new Set(recorded.filter((s) => isFinalStepRow(s.status)).map((s) => s.stepId));
    const recorder = new FencedRecorder(this.deps.writes, this.deps.events, run.id, run.fence, {
      startWriteDelayMs: this.deps.lease.startWriteDelayMs,
      reach,
      undecided: plan.spec.steps.map((step) => step.stepId).filter((id) => !decided.has(id)),
      ...(this.deps.metrics ? { metrics: this.deps.metrics } : {}),
    });
    const observed = observeSteps(this.deps.runnerFor, {
      log,
      ...(this.deps.usage ? { usage: this.deps.usage } : {}),
    });
    const runnerFor = withChildSteps(observed, recorder, tools);
    const waits = new FencedWaits(this.deps.waits, recorder, run.id, run.fence, reach);
    const launchChild = this.deps.launchChild;
    const subWorkflows = launchChild
      ? new FencedSubWorkflows(launchChild, this.deps.queries, recorder, run, reach)
      : undefined;
    const permits = this.deps.permits
      ? new FencedPermits(
          this.deps.permits,
          recorder,
          this.deps.events,
          run.id,
          run.fence,
          this.deps.lease.leaseMs,
          reach,
        )
      : undefined;
    let outcome: EngineResult;
    try {
      outcome = await runPlan(plan, recorded, {
        recorder,
        runnerFor,
        signal,
        waits,
        ...(permits ? { permits } : {}),
        ...(subWorkflows ? { subWorkflows } : {}),
        ...(run.startedAt ? { startedAt: run.startedAt } : {}),
      });
    } finally {
      recorder.close();
    }
    if (outcome.status === "parked") {
      // the run's own timeout still applies while it is parked: wake it at its deadline at the latest
      const seconds = plan.spec.timeoutSeconds;
      const deadline =
        seconds !== undefined && run.startedAt ? new Date(run.startedAt.getTime() + seconds * 1000) : null;
      return { outcome: { status: "parked", wakeAt: earliest(outcome.wakeAt, deadline) }, recorder };
    }
    if (run.kind !== "mcp" || outcome.status !== "succeeded") return { outcome, recorder };
    // A single-MCP run returns its step's outputs as the run's outputs (held for the run's end, or
    // recorded on an earlier drive).
    const outputs =
      recorder.heldOutputs(MCP_RUN_STEP_ID) ??
      ((await untilReachable(() => this.deps.queries.steps(run.id), reach)).find(
        (s) => s.stepId === MCP_RUN_STEP_ID,
      )?.outputs as JsonObject | null);
    return { outcome: { ...outcome, outputs: outputs ?? {} }, recorder };
  }

  /**
   * Records the run's end, with the last step's success the recorder held for it (docs/adr/031),
   * and tells whoever waits on it.
   */
  private async finish(
    run: WorkflowRunEntity,
    outcome: RunOutcome,
    recorder: FencedRecorder,
    startsChildren: boolean,
    log: Logger,
    reach: ReachOptions,
  ): Promise<void> {
    let fallbackRunId: string | null = null;
    if (outcome.fallbackWorkflow) {
      try {
        fallbackRunId = await this.deps.startFallback(run, outcome.fallbackWorkflow);
        log.info({ fallbackRunId, workflow: outcome.fallbackWorkflow }, "started the fallback workflow");
      } catch (err) {
        log.error({ err, workflow: outcome.fallbackWorkflow }, "could not start the fallback workflow");
      }
    }
    const error = outcome.error
      ? { code: outcome.error.code, message: outcome.error.message, stepId: outcome.error.stepId ?? "" }
      : null;
    const patch = {
      status: outcome.status,
      outputs: outcome.outputs,
      error,
      finishedAt: new Date(),
      owner: null,
      leaseExpiresAt: null,
      fallbackRunId,
    };
    // a caller here waits for the run: the end's statement returns the run, handed over before the
    // end's event, so the caller answers without reading it again (docs/adr/029)
    const endedRuns = this.deps.endedRuns?.expected(run.id) ? this.deps.endedRuns : undefined;
    const steps = recorder.takeHeld();
    const written = await untilReachable(
      () =>
        this.deps.writes.endRun(run.id, run.fence, patch, {
          read: endedRuns !== undefined,
          ...(steps ? { steps } : {}),
        }),
      reach,
    );
    const seq = written.seq;
    if (written.steps) recorder.published(written.steps);
    if (endedRuns && written.ended) endedRuns.deliver(run.id, written.ended);
    if (fallbackRunId) await this.deps.events.wake(fallbackRunId);
    // a sub-workflow run: the trigger set its parent's wake_at; tell the executors now
    if (run.parentRunId && run.parentStepId) await this.deps.events.wake(run.parentRunId);
    // a run with a concurrency key: the trigger woke the next queued run of its key; tell them too
    if (run.concurrencyKey !== null && run.workflowId !== null) {
      const next = await this.deps.queries
        .nextOfKey(run.workflowId, run.concurrencyKey)
        .catch((err: unknown) => log.warn({ err }, "could not read the next run of the concurrency key"));
      if (next) await this.deps.events.wake(next);
    }
    // sub-workflow runs its end left running (a cancel, a run timeout, a stop) are cancelled too
    if (startsChildren) {
      await this.deps
        .cancelChildren?.(run.id, error?.message ?? "")
        .catch((err: unknown) => log.warn({ err }, "could not cancel the run's sub-workflow runs"));
    }
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

  /**
   * The Redis lock of the run `runId` about to be created claimed by this executor, taken while it is
   * created (RunWorker.reserve), for {@link drive}'s `lock`. Never rejects.
   */
  lockNew(runId: string): Promise<Lock | null | undefined> {
    return this.lock(runId, false);
  }

  /**
   * The run's Redis lock (seized from a dead holder when `seize`); null when another holds it,
   * undefined when Redis is down (the PostgreSQL fence still protects).
   */
  private async lock(runId: string, seize: boolean): Promise<Lock | null | undefined> {
    const { locks, lease } = this.deps;
    try {
      if (seize) return await locks.seize(`run:${runId}`, lease.leaseMs);
      return (await locks.acquire(`run:${runId}`, lease.leaseMs)) ?? null;
    } catch (err) {
      this.deps.logger.warn(
        { err, run_id: runId },
        "lock service unavailable; relying on the database fence alone",
      );
      return undefined;
    }
  }

  private async renew(
    run: WorkflowRunEntity,
    lock: Lock | undefined,
    controller: AbortController,
    loseRun: () => void,
    log: Logger,
    renewal: { failing: boolean },
  ): Promise<void> {
    if (controller.signal.aborted && controller.signal.reason instanceof LostOwnershipError) return;
    try {
      const state = await this.deps.store.renew(run.id, run.fence, this.deps.lease.leaseMs);
      if (!state.held) {
        loseRun();
        return;
      }
      if (state.cancelRequested && !controller.signal.aborted)
        controller.abort(new CancelRequest(state.cancelReason));
      if (lock) await lock.extend(this.deps.lease.leaseMs).catch(() => false);
      if (renewal.failing) log.info("renewed the lease again");
      renewal.failing = false;
    } catch (err) {
      // once per run and outage, not at every try
      if (!renewal.failing) {
        log.warn({ err }, "could not renew the lease; will retry");
      }
      renewal.failing = true;
    }
  }
}

/** A step row's recorded error as the engine reads it back on resume. */
function recordedError(row: StepRunEntity): RecordedError | null {
  const error = row.error;
  if (!error || typeof error["code"] !== "string") return null;
  const message = typeof error["message"] === "string" ? error["message"] : "";
  return { code: error["code"], message, stepId: row.stepId };
}
