/**
 * The workflow engine: drives one run of a {@link RunPlan} to a {@link RunOutcome}. Pure scheduling logic;
 * every effect goes through the {@link RunRecorder} (durable, fenced writes) and the runners.
 *
 * Semantics (these are the product's):
 * - Order. SEQUENTIAL (and UNSPECIFIED): one step at a time, in `depends_on` order, ties in declared
 *   order. PARALLEL: every step whose `depends_on` all succeeded starts at once, at most
 *   `spec.maxParallelism ?? options.defaultMaxParallelism ?? 8` running.
 * - Durability. A step's result is committed (`stepSucceeded`/`stepFailed` awaited) before any dependent
 *   starts. Each attempt is announced with `stepStarted(stepId, attempt, inputs)`.
 * - Inputs (see inputs.ts): a mapping that cannot be read fails the step with MISSING_INPUT: recorded
 *   `stepFailed` with the attempt it would have had (1 on a fresh run), no `stepStarted`, no runner call,
 *   no retry.
 * - Failures (see strategy.ts). The step's strategy is `step.onError`, else the workflow's, else STOP.
 *   Retries happen under RETRY or when the step has its own `retry` policy: up to `maxRetries` more
 *   attempts, `stepRetrying(…, delayMs)` then `options.sleep(delayMs)`, jittered backoff (retry.ts);
 *   CANCELLED, MISSING_INPUT and UNSUPPORTED_MCP_TYPE are never retried, and nothing is retried once the
 *   run has stopped (a pending wait is cut short and the step recorded failed). The final failure then:
 *   - STOP (also exhausted RETRY): no new step starts, running attempts finish normally and are recorded;
 *     never-started steps are recorded `stepsSkipped(ids, "skipped", reason naming the failed step)`;
 *     outcome `failed` with that step's error. (The proto comment says running steps are cancelled; this
 *     engine lets them finish so that work already paid for is kept.)
 *   - CONTINUE: the step's transitive dependents are recorded skipped at once (reason names it); the
 *     rest runs. Outcome `partially_succeeded` if any step succeeded, else `failed`; error = first failure.
 *   - FALLBACK: as STOP, and the outcome names `spec.errorHandling.fallbackWorkflow`.
 *   With several failures, the first one that stopped the run is the run's error.
 * - Step timeout: `step.timeoutSeconds` aborts that attempt's signal; its failure is recorded as TIMEOUT
 *   naming the limit (and may be retried). Run timeout: `spec.timeoutSeconds`, counted from this call,
 *   aborts every attempt; interrupted steps are recorded `stepFailed` RUN_TIMEOUT (with their output),
 *   never-started ones `stepsSkipped(ids, "skipped", …)`; outcome `failed` with RUN_TIMEOUT.
 * - Cancel (`deps.signal` aborts): every attempt's signal aborts; once they settled, interrupted steps
 *   (running, or waiting to retry) are recorded `stepsSkipped(ids, "cancelled", "run cancelled while the
 *   step was running")` and never-started ones `stepsSkipped(ids, "cancelled", "run cancelled")`; outcome
 *   `cancelled`. An attempt that still resolves with a result is recorded succeeded. A cancel or run
 *   timeout arriving after every step was decided changes nothing.
 * - Lost ownership: the first rejection of ANY recorder call (LostOwnershipError or another error), or
 *   `deps.signal` aborting with a LostOwnershipError as its reason, aborts every attempt at once and
 *   rejects runPlan with that same error without waiting for them; nothing else is recorded.
 * - Runners: a rejection that is not a StepFailure is a RUNNER_ERROR with its message; an attempt whose
 *   plan has no pinned MCP fails the same way without a runner call.
 * - Resume (`recorded`): `succeeded` never runs again and feeds dependents its outputs; `failed`,
 *   `skipped`, `cancelled` are decided and their strategy applies again (a recorded failure under STOP
 *   means no step starts: every undecided step, even one interrupted by the crash, is recorded skipped;
 *   under CONTINUE its undecided dependents are recorded skipped); `running`/`retrying` run again with
 *   attempt = recorded attempt + 1 (its retry budget counts the earlier attempts); `pending` runs normally.
 * - Waiting steps (waiting.ts): a `sleep`, `wait_for_signal` or `approval` step that must wait is
 *   recorded WAITING (`deps.waits`) and stays undecided; other ready steps go on (PARALLEL only: in
 *   SEQUENTIAL order it is the one step at a time). When nothing else can progress the result is
 *   `{status: "parked", wakeAt}` (the earliest wake time) and the driver parks the run; resumed, the
 *   step continues from its recorded wait. Halted meanwhile: a cancel or run timeout records it like an
 *   interrupted step, a stop like a never-started one. For such a plan the run timeout counts from
 *   `deps.startedAt`.
 * - Conditions (conditions.ts): a step is ready when each dependency succeeded or was skipped by a
 *   condition. Then a condition-skipped dependency skips it too unless `run_if_skipped`; else its
 *   `when` (CEL) decides: false → recorded `stepsSkipped([id], "skipped", "condition false: …",
 *   CONDITION_FALSE)` (propagated: UPSTREAM_CONDITION_FALSE), an evaluation error → `stepFailed`
 *   CONDITION_ERROR (no retry; its strategy applies). A condition skip is not a failure: it does not
 *   skip dependents by itself, a run of succeeded and condition-skipped steps SUCCEEDED (declared
 *   outputs of a skipped step are left out), and an input reading a condition-skipped step is null.
 *   On resume a recorded condition skip (its code) stays one.
 * - Sub-workflow steps (sub-workflow.ts): a `workflow` step starts a child run through
 *   `deps.subWorkflows` and waits for it like a waiting step (recorded WAITING, `parked`), until the
 *   child's end wakes the run; the child's outputs are the step's.
 * - Concurrency limits (permits.ts): a step of an MCP with `max_concurrency` takes a permit before each
 *   attempt; none free, it is recorded WAITING and parks like a waiting step until a permit is released.
 *   A `for_each` step's items take one each; the step parks once its only items left wait for one.
 * - for_each steps (for-each.ts): a step with `for_each` runs its MCP once per item of a list, each item
 *   a child step with its own attempts (`itemUpdated`); to the scheduler it is one step like any other.
 *   With a `workflow` instead of an MCP (for-each-workflow.ts) each item is a child run, and the step
 *   parks while they run, like a sub-workflow step.
 * - Final outputs (outcome.ts): for `succeeded`/`partially_succeeded`, each `spec.outputs` entry reads
 *   its producer's `outputs[output]` (empty = the whole outputs). One that cannot be read turns a
 *   `succeeded` run `failed` with MISSING_OUTPUT naming it (the readable ones are still returned); a
 *   `partially_succeeded` run just omits it. Other outcomes carry no outputs.
 */
import { ExecutionMode, type Step } from "@mcp/proto/workflows";
import { ConditionGate, type ConditionDecision, type ConditionView } from "./conditions.js";
import { SKIPPED_BY_CONDITION } from "./inputs.js";
import { directDependents, dependencyOrder, transitiveDependents } from "./order.js";
import { abortedOutcome, runTimeoutMessage, settledOutcome, stoppedOutcome } from "./outcome.js";
import { abortableSleep } from "./retry.js";
import { guardRecorder, RunControl, type AbortCause } from "./run-control.js";
import { RunState } from "./state.js";
import type { PermitPort } from "./permits.js";
import { runStep, type StepEnd } from "./step-task.js";
import { runSubWorkflowStep, type SubWorkflowPort, type SubWorkflowTaskDeps } from "./sub-workflow.js";
import { runForEachWorkflow } from "./for-each-workflow.js";
import { failureHandling, type FailureHandling } from "./strategy.js";
import {
  parkedUntil,
  runTimeoutMs,
  runWaitStep,
  waitKindOf,
  type EngineResult,
  type StepParked,
  type WaitPort,
} from "./waiting.js";
import {
  LostOwnershipError,
  type EngineOptions,
  type RecordedItem,
  type RecordedStep,
  type RunPlan,
  type RunRecorder,
} from "./types.js";
import type { JsonObject, RunnerFor } from "../step/index.js";

/** Parallel steps at once when neither the spec nor the options say. */
export const DEFAULT_MAX_PARALLELISM = 8;

/** What the engine talks to. */
export interface EngineDeps {
  readonly recorder: RunRecorder;
  readonly runnerFor: RunnerFor;
  /** Aborts to cancel the run (reason "cancelled"), or with a LostOwnershipError when the lease is lost. */
  readonly signal: AbortSignal;
  readonly options?: EngineOptions;
  /** Where `sleep`, `wait_for_signal` and `approval` steps record their waits (waiting.ts); without it they fail. */
  readonly waits?: WaitPort;
  /** When the run first started: a plan with waiting steps counts its timeout from then (waiting.ts). */
  readonly startedAt?: Date;
  /** Where `workflow` steps start their child runs (sub-workflow.ts); without it they fail. */
  readonly subWorkflows?: SubWorkflowPort;
  /** Permits of MCPs with `max_concurrency` (permits.ts); without it limits are not applied. */
  readonly permits?: PermitPort;
}

/**
 * Runs (or resumes) a plan to its outcome, as described at the top of this file.
 *
 * @throws LostOwnershipError (or whatever a recorder call rejected with) — nothing more is recorded.
 * @throws InvalidPlanError when the steps do not form a DAG.
 */
export async function runPlan(
  plan: RunPlan,
  recorded: readonly RecordedStep[],
  deps: EngineDeps,
): Promise<EngineResult> {
  return new Scheduler(plan, recorded, deps).run();
}

/** One run's scheduling loop and its bookkeeping. */
class Scheduler {
  private readonly state: RunState;
  private readonly control = new RunControl();
  private readonly recorder: RunRecorder;
  private readonly dependents: ReadonlyMap<string, readonly string[]>;
  private readonly handling = new Map<string, FailureHandling>();
  private readonly limit: number;
  private readonly inFlight = new Map<string, Promise<void>>();
  /** `when` / `run_if_skipped` of the steps (conditions.ts). */
  private readonly conditions: ConditionGate;
  private readonly conditionView: ConditionView;
  /** Steps whose attempt (or wait before a retry) the run's abort cut short, not yet recorded. */
  private readonly interrupted = new Map<string, Extract<StepEnd, { kind: "interrupted" }>>();
  /** The recorded items of `for_each` steps (resume; see for-each.ts). */
  private readonly recordedItems = new Map<string, readonly RecordedItem[]>();
  /** Waiting steps recorded WAITING (or waiting still after a resume): step id → wake time (waiting.ts). */
  private readonly parked = new Map<string, Date | null>();
  /** Steps recorded WAITING before this drive, with their wake times. */
  private readonly recordedWaits: ReadonlyMap<string, Date | null>;
  private readonly sequential: boolean;

  constructor(
    private readonly plan: RunPlan,
    recorded: readonly RecordedStep[],
    private readonly deps: EngineDeps,
  ) {
    const { spec } = plan;
    this.state = new RunState(dependencyOrder(spec.steps), recorded);
    for (const r of recorded) if (r.items) this.recordedItems.set(r.stepId, r.items);
    this.dependents = directDependents(spec.steps);
    this.conditions = new ConditionGate(spec.steps);
    this.conditionView = {
      inputs: plan.inputs,
      skippedByCondition: (id) => this.state.skippedByCondition(id),
      outputsOf: (id) => this.state.outputsOf(id),
    };
    this.recorder = guardRecorder(deps.recorder, this.control);
    const parallel = spec.executionMode === ExecutionMode.PARALLEL;
    const max = spec.maxParallelism ?? deps.options?.defaultMaxParallelism ?? DEFAULT_MAX_PARALLELISM;
    this.limit = parallel ? Math.max(1, max) : 1;
    this.sequential = !parallel;
    this.recordedWaits = new Map(
      recorded.filter((r) => r.status === "waiting").map((r) => [r.stepId, r.wakeAt ?? null]),
    );
    for (const step of spec.steps) this.handling.set(step.stepId, failureHandling(step, spec));
  }

  async run(): Promise<EngineResult> {
    const { signal } = this.deps;
    const onCancel = (): void => this.control.abort(cancelCause(signal.reason));
    const seconds = this.plan.spec.timeoutSeconds;
    const timeoutMs = runTimeoutMs(this.plan, this.deps.startedAt);
    const timer =
      seconds === undefined || timeoutMs === undefined
        ? undefined
        : setTimeout(() => this.control.abort({ kind: "run-timeout", seconds }), timeoutMs);
    // a parked run woken at (or after) its deadline: timed out before anything runs
    if (seconds !== undefined && timeoutMs === 0) this.control.abort({ kind: "run-timeout", seconds });
    const fatal = new Promise<void>((resolve) =>
      this.control.fatalSignal.addEventListener("abort", () => resolve(), { once: true }),
    );
    if (signal.aborted) onCancel();
    else signal.addEventListener("abort", onCancel, { once: true });
    try {
      await this.applyRecordedDecisions();
      for (;;) {
        this.throwIfFatal();
        if (!this.control.halted) this.startReadySteps();
        if (this.inFlight.size === 0) break;
        await Promise.race([fatal, ...this.inFlight.values()]);
      }
      this.throwIfFatal();
      return await this.finish();
    } finally {
      clearTimeout(timer);
      signal.removeEventListener("abort", onCancel);
    }
  }

  /** On resume: recorded failures stop the run or skip their dependents, as their strategy says. */
  private async applyRecordedDecisions(): Promise<void> {
    for (const error of this.state.failures) {
      const onFailure = this.handlingOf(error.stepId ?? "").onFailure;
      if (onFailure !== "continue") this.control.stop({ error, fallback: onFailure === "fallback" });
    }
    if (this.control.halted) return;
    for (const step of this.state.order) {
      const status = this.state.statusOf(step.stepId);
      if (status === "skipped" && this.state.skippedByCondition(step.stepId)) continue;
      if (status === "failed" || status === "skipped" || status === "cancelled") {
        await this.skipDependents(step.stepId, status === "failed" ? "failed" : `was ${status}`);
      }
    }
  }

  /** Starts ready steps in dependency order while there is room. */
  private startReadySteps(): void {
    for (const step of this.state.order) {
      if (this.inFlight.size >= this.limit) return;
      // SEQUENTIAL: a parked step is the one step at a time until it ends
      if (this.sequential && this.parked.size > 0) return;
      if (this.state.ready(step)) this.start(step);
    }
  }

  private start(step: Step): void {
    const id = step.stepId;
    this.state.markRunning(id);
    const gate = this.conditions.decide(step, this.conditionView);
    if (gate.kind !== "run") {
      const decided = this.decideByCondition(id, gate)
        .catch((error: unknown) => this.control.abort({ kind: "fatal", error }))
        .finally(() => this.inFlight.delete(id));
      this.inFlight.set(id, decided);
      return;
    }
    const wait = waitKindOf(step);
    const task = (
      step.workflow
        ? step.forEach
          ? this.startForEachWorkflow(step)
          : this.startSubWorkflow(step)
        : wait === undefined
          ? runStep(step, this.state.attemptOf(id), {
              runId: this.plan.runId,
              mcp: this.plan.mcps.get(id),
              runInputs: this.plan.inputs,
              outputsOf: (producer) => this.inputsFrom(producer),
              handling: this.handlingOf(id),
              recorder: this.recorder,
              runnerFor: this.deps.runnerFor,
              control: this.control,
              random: this.deps.options?.random ?? Math.random,
              sleep: this.deps.options?.sleep ?? abortableSleep,
              recordedItems: this.recordedItems.get(id),
              ...(this.deps.permits ? { permits: this.deps.permits } : {}),
              resumed: this.recordedWaits.has(id),
            })
          : this.startWait(step)
    )
      .then((end) => (end.kind === "parked" ? this.park(id, end) : this.settle(id, end)))
      .catch((error: unknown) => this.control.abort({ kind: "fatal", error }))
      .finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, task);
  }

  private startWait(step: Step): Promise<StepEnd | StepParked> {
    const recorded = this.recordedWaits.has(step.stepId)
      ? { wakeAt: this.recordedWaits.get(step.stepId) ?? null }
      : undefined;
    return runWaitStep(step, {
      runInputs: this.plan.inputs,
      outputsOf: (producer) => this.inputsFrom(producer),
      recorder: this.recorder,
      control: this.control,
      waits: this.deps.waits,
      recorded,
    });
  }

  /** A sub-workflow step (sub-workflow.ts); one recorded waiting goes on with the attempt it waits on. */
  private startSubWorkflow(step: Step): Promise<StepEnd | StepParked> {
    const id = step.stepId;
    const resumed = this.recordedWaits.has(id);
    const attempt = this.state.attemptOf(id);
    return runSubWorkflowStep(
      step,
      resumed ? Math.max(1, attempt - 1) : attempt,
      resumed,
      this.subWorkflowDeps(id),
    );
  }

  /** What a sub-workflow step's task needs (also one iterating: for-each-workflow.ts). */
  private subWorkflowDeps(stepId: string): SubWorkflowTaskDeps {
    return {
      runInputs: this.plan.inputs,
      outputsOf: (producer) => this.inputsFrom(producer),
      handling: this.handlingOf(stepId),
      recorder: this.recorder,
      control: this.control,
      port: this.deps.subWorkflows,
      random: this.deps.options?.random ?? Math.random,
      sleep: this.deps.options?.sleep ?? abortableSleep,
    };
  }

  /** A sub-workflow `for_each` step (for-each-workflow.ts): one pass over its items' child runs. */
  private startForEachWorkflow(step: Step): Promise<StepEnd | StepParked> {
    const id = step.stepId;
    const resumed = this.recordedWaits.has(id);
    const attempt = this.state.attemptOf(id);
    return runForEachWorkflow(step, resumed ? Math.max(1, attempt - 1) : attempt, resumed, {
      ...this.subWorkflowDeps(id),
      recordedItems: this.recordedItems.get(id) ?? [],
    });
  }

  /** A waiting step waits on: it stays "running" here until the run is parked or halted. */
  private park(stepId: string, end: StepParked): void {
    this.parked.set(stepId, end.wakeAt);
  }

  /** What a step input reads of a producer: its outputs, or SKIPPED_BY_CONDITION (inputs.ts). */
  private inputsFrom(producer: string): JsonObject | undefined {
    return this.state.skippedByCondition(producer) ? SKIPPED_BY_CONDITION : this.state.outputsOf(producer);
  }

  /** A step its condition does not let run: recorded skipped (a condition skip), or failed (CONDITION_ERROR). */
  private async decideByCondition(
    stepId: string,
    decision: Exclude<ConditionDecision, { kind: "run" }>,
  ): Promise<void> {
    if (decision.kind === "fail") {
      await this.recorder.stepFailed(stepId, this.state.attemptOf(stepId), decision.error, {});
      return this.settle(stepId, { kind: "failed", error: decision.error });
    }
    await this.recorder.stepsSkipped([stepId], "skipped", decision.reason, decision.code);
    this.state.skipByCondition(stepId);
  }

  /** Books a finished step task and applies its strategy. */
  private async settle(stepId: string, end: StepEnd): Promise<void> {
    switch (end.kind) {
      case "succeeded":
        this.state.succeed(stepId, end.outputs, end.itemFailure);
        return;
      case "failed": {
        this.state.fail(stepId, end.error);
        const { onFailure } = this.handlingOf(stepId);
        if (onFailure !== "continue")
          this.control.stop({ error: end.error, fallback: onFailure === "fallback" });
        else if (!this.control.halted) await this.skipDependents(stepId, "failed");
        return;
      }
      case "interrupted":
        this.interrupted.set(stepId, end);
        return;
      case "not-started":
        this.state.markWaiting(stepId);
        return;
    }
  }

  /** Records every undecided transitive dependent of `stepId` as skipped, naming it. */
  private async skipDependents(stepId: string, what: string): Promise<void> {
    const dependents = new Set(transitiveDependents(stepId, this.dependents));
    const ids = this.state.idsWith("waiting").filter((id) => dependents.has(id));
    if (ids.length === 0) return;
    this.state.settle(ids, "skipped");
    await this.recorder.stepsSkipped(
      ids,
      "skipped",
      `not run: it depends on step "${stepId}", which ${what}`,
    );
  }

  /** Records what the end of the loop left undecided and decides the outcome. */
  private async finish(): Promise<EngineResult> {
    if (this.control.aborted) {
      // steps parked in an earlier drive and not resumed in this one are interrupted waits too
      for (const id of this.recordedWaits.keys()) {
        if (this.state.statusOf(id) !== "waiting") continue;
        this.state.markRunning(id);
        this.parked.set(id, null);
      }
    }
    if (this.parked.size > 0) {
      if (!this.control.halted) return { status: "parked", wakeAt: parkedUntil(this.parked.values(), null) };
      // halted: an abort records the waits as interrupted, a stop as never run
      for (const id of this.parked.keys()) {
        if (this.control.aborted) this.interrupted.set(id, { kind: "interrupted", attempt: 1, output: {} });
        else this.state.markWaiting(id);
      }
      this.parked.clear();
    }
    const cause = this.control.aborted;
    const waiting = this.state.idsWith("waiting");
    if (cause && cause.kind !== "fatal" && (this.interrupted.size > 0 || waiting.length > 0)) {
      await this.recordAborted(cause, waiting);
      return abortedOutcome(cause);
    }
    const stop = this.control.stopped;
    const reason = stop
      ? `not run: the run stopped because step "${stop.error.stepId}" failed`
      : "not run: a dependency did not succeed";
    if (waiting.length > 0) {
      this.state.settle(waiting, "skipped");
      await this.recorder.stepsSkipped(waiting, "skipped", reason);
    }
    return stop ? stoppedOutcome(this.plan.spec, stop) : settledOutcome(this.plan.spec, this.state);
  }

  private async recordAborted(
    cause: Exclude<AbortCause, { kind: "fatal" }>,
    waiting: string[],
  ): Promise<void> {
    const interrupted = this.state.order.map((s) => s.stepId).filter((id) => this.interrupted.has(id));
    if (cause.kind === "cancelled") {
      if (interrupted.length > 0)
        await this.recorder.stepsSkipped(
          interrupted,
          "cancelled",
          "run cancelled while the step was running",
        );
      if (waiting.length > 0) await this.recorder.stepsSkipped(waiting, "cancelled", "run cancelled");
      return;
    }
    const message = runTimeoutMessage(cause.seconds);
    for (const id of interrupted) {
      const end = this.interrupted.get(id);
      if (end)
        await this.recorder.stepFailed(
          id,
          end.attempt,
          { code: "RUN_TIMEOUT", message, stepId: id },
          end.output,
        );
    }
    if (waiting.length > 0) await this.recorder.stepsSkipped(waiting, "skipped", `not run: ${message}`);
  }

  private handlingOf(stepId: string): FailureHandling {
    return this.handling.get(stepId) ?? { retry: undefined, onFailure: "stop" };
  }

  private throwIfFatal(): void {
    const fatal = this.control.fatal;
    if (fatal) throw fatal.error;
  }
}

/** A LostOwnershipError as the abort reason means the lease is gone (fatal); anything else is a cancel. */
function cancelCause(reason: unknown): AbortCause {
  return reason instanceof LostOwnershipError ? { kind: "fatal", error: reason } : { kind: "cancelled" };
}
