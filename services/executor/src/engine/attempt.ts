import { StepFailure, type JsonObject, type PinnedMcp, type StepResult } from "../step/index.js";
import type { RunnerFor } from "../step/index.js";

/** One attempt's result: the runner's result, or its failure as a {@link StepFailure}. */
export type AttemptResult =
  { readonly ok: true; readonly result: StepResult } | { readonly ok: false; readonly failure: StepFailure };

/** What one attempt runs. */
export interface AttemptSpec {
  readonly runId: string;
  readonly stepId: string;
  readonly attempt: number;
  readonly mcp: PinnedMcp;
  readonly inputs: JsonObject;
  /** The step's own limit for this attempt; unset = none. */
  readonly timeoutSeconds: number | undefined;
  /** The run's signal (cancel, run timeout, lost ownership). */
  readonly runSignal: AbortSignal;
}

/**
 * Runs one attempt. Its signal aborts with the run or when the step's own timer fires; a failure after
 * the step's timer fired is reported as `TIMEOUT` naming the limit, whatever the runner said (usually
 * `CANCELLED`). A rejection that is not a StepFailure becomes `RUNNER_ERROR` with its message.
 */
export async function runAttempt(spec: AttemptSpec, runnerFor: RunnerFor): Promise<AttemptResult> {
  const timer = spec.timeoutSeconds === undefined ? undefined : new AbortController();
  const timeout =
    timer &&
    setTimeout(
      () => timer.abort(new Error(`step timeout of ${spec.timeoutSeconds}s`)),
      (spec.timeoutSeconds ?? 0) * 1000,
    );
  const signal = timer ? AbortSignal.any([spec.runSignal, timer.signal]) : spec.runSignal;
  try {
    const result = await runnerFor(spec.mcp).run({
      runId: spec.runId,
      stepId: spec.stepId,
      attempt: spec.attempt,
      mcp: spec.mcp,
      inputs: spec.inputs,
      signal,
    });
    return { ok: true, result };
  } catch (error) {
    const failure = asStepFailure(error);
    if (timer?.signal.aborted) {
      const message = `step "${spec.stepId}" exceeded its timeout of ${spec.timeoutSeconds}s (attempt ${spec.attempt})`;
      return { ok: false, failure: new StepFailure("TIMEOUT", message, failure.output, { cause: failure }) };
    }
    return { ok: false, failure };
  } finally {
    clearTimeout(timeout);
  }
}

/** A runner's rejection as a StepFailure: anything else becomes `RUNNER_ERROR` with its message. */
export function asStepFailure(error: unknown): StepFailure {
  return StepFailure.from(error);
}
