/**
 * Steps that wait without holding an executor: `sleep`, `wait_for_signal`, `approval`.
 *
 * A waiting step is recorded WAITING (what it waits for and until when, through the {@link WaitPort})
 * and its task ends `parked`; once nothing else can progress, the engine returns a {@link RunParked}
 * outcome and the driver parks the run in PostgreSQL (no owner, no lease) until its earliest wake
 * time, or until a signal or decision wakes it. The run is then resumed like any other (recorded
 * steps are not run again) and the step task runs again from the recorded wait (its wake time is
 * fixed when it first waits):
 * - sleep: succeeds with `{}` once its wake time has passed;
 * - wait_for_signal: succeeds with `{payload}` once a signal of its name was sent (the oldest not yet
 *   received; each signal is received by one step, once); after its timeout fails SIGNAL_TIMEOUT;
 * - approval: approved → succeeds with `{approved: true, decided_by, comment}`; rejected → fails
 *   REJECTED; after its timeout fails APPROVAL_TIMEOUT.
 * A failure's error strategy applies as for any step, but it is never retried. The step is recorded
 * waiting BEFORE its signal or decision is read, so one that arrives meanwhile is either read now or
 * finds the step waiting and wakes the run.
 *
 * Run timeout: for a plan with a waiting step it counts from the run's start (`startedAt`), not from
 * this drive, so parked time counts; the driver parks the run until at most its deadline.
 */
import { create } from "@bufbuild/protobuf";
import type { Duration } from "@bufbuild/protobuf/wkt";
import { StepSchema, type Step } from "@mcp/proto/workflows";
import type { JsonObject, JsonValue } from "../step/index.js";
import { asStepFailure } from "./attempt.js";
import { mapStepInputs, type OutputsOf } from "./inputs.js";
import type { RunControl } from "./run-control.js";
import type { StepEnd } from "./step-task.js";
import type { RecordedError, RunOutcome, RunPlan, RunRecorder } from "./types.js";

/** The kinds of steps that wait. */
export type WaitKind = "sleep" | "wait_for_signal" | "approval";

/** What a waiting step waits for, as recorded. */
export interface Waiting {
  readonly kind: WaitKind;
  /** When the sleep ends or the wait gives up; null = no limit. */
  readonly wakeAt: Date | null;
  readonly signal?: string;
  readonly prompt?: string;
}

/** A recorded approval decision. */
export interface Decision {
  readonly approved: boolean;
  readonly decidedBy: string;
  readonly comment: string;
}

/**
 * The durable side of waiting, for one claimed run (fenced like the {@link RunRecorder}: every call
 * rejects once another executor owns the run).
 */
export interface WaitPort {
  /** Records the step WAITING for this. */
  stepWaiting(stepId: string, waiting: Waiting): Promise<void>;
  /** The signal the step receives (see the file header), or null when none was sent yet. */
  takeSignal(stepId: string, signal: string): Promise<{ payload: JsonValue } | null>;
  /** The decision on the approval step, or null while undecided. */
  decision(stepId: string): Promise<Decision | null>;
}

/** A step task that waits on: nothing else recorded. */
export interface StepParked {
  readonly kind: "parked";
  readonly wakeAt: Date | null;
}

/** The engine's answer for a run that waits: park it until `wakeAt` (null = until woken). */
export interface RunParked {
  readonly status: "parked";
  readonly wakeAt: Date | null;
}

/** What {@link runPlan} returns. */
export type EngineResult = RunOutcome | RunParked;

/** The step's wait kind, or undefined for an MCP step. */
export function waitKindOf(step: Step): WaitKind | undefined {
  if (step.sleep) return "sleep";
  if (step.waitForSignal) return "wait_for_signal";
  if (step.approval) return "approval";
  return undefined;
}

/**
 * Whether any step of the plan waits, a sub-workflow step included (its run timeout then counts from
 * the run's start).
 */
export function planWaits(plan: RunPlan): boolean {
  return plan.spec.steps.some((s) => waitKindOf(s) !== undefined || s.workflow !== undefined);
}

/**
 * Milliseconds until the run's timeout, or undefined when it has none: `timeoutSeconds` from now, or
 * for a plan with waiting steps from `startedAt` (at least 0).
 */
export function runTimeoutMs(
  plan: RunPlan,
  startedAt: Date | undefined,
  now = Date.now(),
): number | undefined {
  const seconds = plan.spec.timeoutSeconds;
  if (seconds === undefined) return undefined;
  if (!startedAt || !planWaits(plan)) return seconds * 1000;
  return Math.max(0, startedAt.getTime() + seconds * 1000 - now);
}

/** The earlier of two wake times (null = never). */
export function earliest(a: Date | null, b: Date | null): Date | null {
  if (a === null) return b;
  if (b === null) return a;
  return a.getTime() <= b.getTime() ? a : b;
}

/** What a waiting step's task needs. */
export interface WaitTaskDeps {
  readonly runInputs: JsonObject;
  readonly outputsOf: OutputsOf;
  readonly recorder: RunRecorder;
  readonly control: RunControl;
  readonly waits: WaitPort | undefined;
  /** Set when the step was recorded waiting before (a resumed run): its wake time stays. */
  readonly recorded: { readonly wakeAt: Date | null } | undefined;
  readonly now?: () => number;
}

/** Drives a waiting step: to its recorded end, or `parked` (recorded WAITING). Rejects only when a write fails. */
export async function runWaitStep(step: Step, deps: WaitTaskDeps): Promise<StepEnd | StepParked> {
  const { recorder, control } = deps;
  const id = step.stepId;
  const now = deps.now ?? Date.now;
  const kind = waitKindOf(step);
  if (control.aborted)
    return deps.recorded ? { kind: "interrupted", attempt: 1, output: {} } : { kind: "not-started" };
  const fail = async (code: string, message: string): Promise<StepEnd> => {
    const error: RecordedError = { code, message, stepId: id };
    await recorder.stepFailed(id, 1, error, {});
    return { kind: "failed", error };
  };
  const succeed = async (outputs: JsonObject): Promise<StepEnd> => {
    await recorder.stepSucceeded(id, 1, {
      outputs,
      stdout: "",
      stderr: "",
      stdoutTruncated: false,
      stderrTruncated: false,
    });
    return { kind: "succeeded", outputs };
  };
  if (kind === undefined || !deps.waits)
    return fail("RUNNER_ERROR", `step "${id}" waits, and this engine was given no way to park the run`);
  const waits = deps.waits;

  let wakeAt: Date | null;
  if (deps.recorded) {
    wakeAt = deps.recorded.wakeAt;
  } else {
    const first = firstWakeAt(step, deps, now());
    if ("error" in first) return fail(first.error.code, first.error.message);
    wakeAt = first.wakeAt;
  }
  const due = wakeAt !== null && wakeAt.getTime() <= now();
  const park = async (waiting: Waiting): Promise<StepParked> => {
    if (!deps.recorded) await waits.stepWaiting(id, waiting);
    return { kind: "parked", wakeAt };
  };

  switch (kind) {
    case "sleep":
      if (due) return succeed({});
      return park({ kind, wakeAt });
    case "wait_for_signal": {
      const signal = step.waitForSignal?.signal ?? "";
      if (!deps.recorded) await waits.stepWaiting(id, { kind, wakeAt, signal });
      const got = await waits.takeSignal(id, signal);
      if (got) return succeed({ payload: got.payload });
      if (due) return fail("SIGNAL_TIMEOUT", `no signal "${signal}" arrived within ${waitedFor(step)}`);
      return { kind: "parked", wakeAt };
    }
    case "approval": {
      if (!deps.recorded) await waits.stepWaiting(id, { kind, wakeAt, prompt: step.approval?.prompt ?? "" });
      const decision = await waits.decision(id);
      if (decision?.approved)
        return succeed({ approved: true, decided_by: decision.decidedBy, comment: decision.comment });
      if (decision)
        return fail(
          "REJECTED",
          `rejected by ${decision.decidedBy}${decision.comment ? `: ${decision.comment}` : ""}`,
        );
      if (due) return fail("APPROVAL_TIMEOUT", `no decision was made within ${waitedFor(step)}`);
      return { kind: "parked", wakeAt };
    }
  }
}

/** When a step that starts waiting now wakes: its sleep's end, or its timeout (null = none). */
function firstWakeAt(
  step: Step,
  deps: Pick<WaitTaskDeps, "runInputs" | "outputsOf">,
  now: number,
): { wakeAt: Date | null } | { error: RecordedError } {
  if (step.sleep) {
    if (step.sleep.duration) return { wakeAt: new Date(now + durationMs(step.sleep.duration)) };
    const until = step.sleep.until;
    if (!until)
      return { error: { code: "INVALID_TIMESTAMP", message: "the sleep has no duration or until" } };
    let value: JsonValue | undefined;
    try {
      value = mapStepInputs(
        create(StepSchema, { stepId: step.stepId, inputs: { until } }),
        deps.runInputs,
        deps.outputsOf,
      )["until"];
    } catch (error) {
      const failure = asStepFailure(error);
      return { error: { code: failure.code, message: failure.message } };
    }
    const time = typeof value === "string" ? parseTimestamp(value) : undefined;
    if (time === undefined)
      return {
        error: {
          code: "INVALID_TIMESTAMP",
          message: `sleep.until of step "${step.stepId}" is ${JSON.stringify(value)?.slice(0, 100)}, not an RFC 3339 timestamp`,
        },
      };
    return { wakeAt: time };
  }
  const timeout = step.waitForSignal?.timeout ?? step.approval?.timeout;
  return { wakeAt: timeout ? new Date(now + durationMs(timeout)) : null };
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** An RFC 3339 timestamp with its offset, or undefined. */
export function parseTimestamp(text: string): Date | undefined {
  if (!RFC3339.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

export function durationMs(d: Duration): number {
  return Number(d.seconds) * 1000 + Math.floor(d.nanos / 1e6);
}

function waitedFor(step: Step): string {
  const timeout = step.waitForSignal?.timeout ?? step.approval?.timeout;
  return timeout ? `${durationMs(timeout) / 1000} s` : "the time allowed";
}

/** For a parked run: when to wake it, `deadline` (the run's timeout) included. */
export function parkedUntil(steps: Iterable<Date | null>, deadline: Date | null): Date | null {
  let wake: Date | null = deadline;
  for (const at of steps) wake = earliest(wake, at);
  return wake;
}
