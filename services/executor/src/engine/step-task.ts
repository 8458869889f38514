import type { Step } from "@mcp/proto/workflows";
import type { JsonObject, PinnedMcp, StepFailure, StepResult } from "../step/index.js";
import { asStepFailure, runAttempt } from "./attempt.js";
import { mapStepInputs, type OutputsOf } from "./inputs.js";
import { backoffDelayMs, isRetryable } from "./retry.js";
import type { RunControl } from "./run-control.js";
import type { FailureHandling } from "./strategy.js";
import { runForEach } from "./for-each.js";
import type { RecordedError, RecordedItem, RunRecorder } from "./types.js";
import { isLimited, type PermitPort } from "./permits.js";
import type { StepParked } from "./waiting.js";
import type { RunnerFor } from "../step/index.js";

/** How a step task ended. Everything but `interrupted` and `not-started` is already recorded. */
export type StepEnd =
  | {
      readonly kind: "succeeded";
      readonly outputs: JsonObject;
      /** A `for_each` step under CONTINUE whose item(s) failed: the first one (the run is partial). */
      readonly itemFailure?: RecordedError;
    }
  | { readonly kind: "failed"; readonly error: RecordedError }
  /** The run was aborted during attempt `attempt` or the wait after it; the scheduler records it. */
  | { readonly kind: "interrupted"; readonly attempt: number; readonly output: Partial<StepResult> }
  /** The run was aborted before the step's first attempt started; nothing was recorded. */
  | { readonly kind: "not-started" };

/** What a step task needs. */
export interface StepTaskDeps {
  readonly runId: string;
  readonly mcp: PinnedMcp | undefined;
  readonly runInputs: JsonObject;
  readonly outputsOf: OutputsOf;
  readonly handling: FailureHandling;
  readonly recorder: RunRecorder;
  readonly runnerFor: RunnerFor;
  readonly control: RunControl;
  readonly random: () => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** For a `for_each` step on resume: its items recorded so far. */
  readonly recordedItems?: readonly RecordedItem[];
  /** Permits of MCPs with `max_concurrency` (permits.ts); without it limits are not applied. */
  readonly permits?: PermitPort;
  /** The step was recorded WAITING before this drive (a `for_each` step whose items wait for permits). */
  readonly resumed?: boolean;
}

/**
 * Drives one step from its first attempt (`firstAttempt`: 1, or one past an interrupted attempt on resume)
 * to a recorded success or failure: maps its inputs, then started → run → succeeded | retrying → wait →
 * started … → failed. Rejects only when a recorder call fails.
 */
export async function runStep(
  step: Step,
  firstAttempt: number,
  deps: StepTaskDeps,
): Promise<StepEnd | StepParked> {
  const { recorder, control } = deps;
  const fail = async (attempt: number, failure: StepFailure): Promise<StepEnd> => {
    const error = { code: failure.code, message: failure.message, stepId: step.stepId };
    await recorder.stepFailed(step.stepId, attempt, error, failure.output);
    return { kind: "failed", error };
  };

  // a for_each step parked on its items' permits goes on with the attempt it parked in
  if (step.forEach)
    return deps.resumed
      ? runForEach(step, Math.max(1, firstAttempt - 1), deps, deps.recordedItems, true)
      : runForEach(step, firstAttempt, deps, deps.recordedItems);
  let inputs: JsonObject;
  try {
    inputs = mapStepInputs(step, deps.runInputs, deps.outputsOf);
  } catch (error) {
    return fail(firstAttempt, asStepFailure(error));
  }
  const mcp = deps.mcp;
  if (mcp === undefined) {
    return fail(firstAttempt, asStepFailure(new Error(`the run plan pins no MCP for step "${step.stepId}"`)));
  }

  if (control.aborted) return { kind: "not-started" };
  const permits = deps.permits && isLimited(mcp) ? deps.permits : undefined;
  for (let attempt = firstAttempt; ; attempt++) {
    if (permits) {
      const grant = await permits.acquire(step.stepId, mcp, { stepId: step.stepId, attempt, inputs });
      if (!grant.held) return { kind: "parked", wakeAt: grant.recheckAt };
    }
    await recorder.stepStarted(step.stepId, attempt, inputs);
    const spec = {
      runId: deps.runId,
      stepId: step.stepId,
      attempt,
      mcp,
      inputs,
      timeoutSeconds: step.timeoutSeconds,
    };
    const outcome = permits
      ? await runAttempt({ ...spec, runSignal: control.signal }, deps.runnerFor).finally(() =>
          permits.release(step.stepId, mcp),
        )
      : await runAttempt({ ...spec, runSignal: control.signal }, deps.runnerFor);
    if (outcome.ok) {
      // A result that arrived is kept even when the run is being cancelled meanwhile.
      await recorder.stepSucceeded(step.stepId, attempt, outcome.result);
      return { kind: "succeeded", outputs: outcome.result.outputs };
    }
    const { failure } = outcome;
    if (control.aborted) return { kind: "interrupted", attempt, output: failure.output };

    const policy = deps.handling.retry;
    if (!policy || !isRetryable(failure.code) || attempt > policy.maxRetries || control.halted) {
      return fail(attempt, failure);
    }
    const delayMs = backoffDelayMs(policy, attempt, deps.random);
    const error = { code: failure.code, message: failure.message, stepId: step.stepId };
    await recorder.stepRetrying(step.stepId, attempt, error, failure.output, delayMs);
    const slept = await deps.sleep(delayMs, control.stopSignal).then(
      () => undefined,
      (interruption: unknown) => ({ interruption }),
    );
    // Cancel / run timeout: the scheduler records it. Run stopping: no more attempts, the step failed.
    if (control.aborted) return { kind: "interrupted", attempt, output: failure.output };
    if (control.stopped) return fail(attempt, failure);
    if (slept) throw slept.interruption;
  }
}
