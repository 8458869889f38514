/**
 * Sub-workflow steps (`Step.workflow`): the step runs another workflow as a run of its own (the
 * child) and waits for it without holding an executor, like a waiting step (waiting.ts):
 * - attempt n starts (or finds again) the child run of (run, step, n) through the {@link SubWorkflowPort}
 *   and records the step WAITING on it; its task ends `parked` (no wake time: the child's end wakes
 *   the run). Resumed, it reads the child's end: succeeded or partially succeeded → the step succeeds
 *   with the child's outputs; failed or cancelled → SUBWORKFLOW_FAILED naming the child run and its
 *   error, and the step's strategy applies: under a retry policy a new attempt starts a new child
 *   (after the backoff), else the step fails.
 * - The inputs are mapped like an MCP step's (MISSING_INPUT fails it, no retry); a child that cannot
 *   be started (e.g. its inputs are refused) fails the step with SUBWORKFLOW_FAILED.
 * - Halted while parked: as a waiting step (the scheduler records it); the driver cancels the
 *   children of a run that ends.
 */
import type { Step, WorkflowReference } from "@mcp/proto/workflows";
import type { JsonObject } from "../step/index.js";
import { asStepFailure } from "./attempt.js";
import { mapStepInputs, type OutputsOf } from "./inputs.js";
import { backoffDelayMs } from "./retry.js";
import type { RunControl } from "./run-control.js";
import type { StepEnd } from "./step-task.js";
import type { FailureHandling } from "./strategy.js";
import { LostOwnershipError, type RecordedError, type RunRecorder } from "./types.js";
import type { StepParked } from "./waiting.js";

/** How a child run ended. */
export interface ChildEnd {
  readonly status: "succeeded" | "partially_succeeded" | "failed" | "cancelled";
  readonly outputs: JsonObject;
  readonly error?: { readonly code: string; readonly message: string } | undefined;
}

/** The durable side of sub-workflows for one claimed run (fenced like the recorder). */
export interface SubWorkflowPort {
  /**
   * Starts the child run of the step's attempt `attempt`, or finds it again (one per run, step and
   * attempt), and — unless `record` is false (a resumed wait) — records the step WAITING on it.
   * `timeoutSeconds` (the step's `timeout_seconds`) bounds the child: its run timeout is the lower of
   * its own and this. Resolves with the child run's id.
   */
  startChild(
    stepId: string,
    attempt: number,
    ref: WorkflowReference,
    inputs: JsonObject,
    record: boolean,
    timeoutSeconds?: number,
  ): Promise<string>;
  /** The child run's end, or null while it runs. */
  childEnd(childRunId: string): Promise<ChildEnd | null>;
  /**
   * A sub-workflow `for_each` step (for-each-workflow.ts) waits on its items' child runs (attempt
   * `attempt`): recorded WAITING with no wake time, like a step waiting on its one child.
   */
  awaitItems(stepId: string, attempt: number): Promise<void>;
}

/** What a sub-workflow step's task needs. */
export interface SubWorkflowTaskDeps {
  readonly runInputs: JsonObject;
  readonly outputsOf: OutputsOf;
  readonly handling: FailureHandling;
  readonly recorder: RunRecorder;
  readonly control: RunControl;
  readonly port: SubWorkflowPort | undefined;
  readonly random: () => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * Drives a sub-workflow step from attempt `firstAttempt` (`resumed`: the step was recorded waiting on
 * that attempt's child) to its recorded end, or `parked`. Rejects only when a write fails.
 */
export async function runSubWorkflowStep(
  step: Step,
  firstAttempt: number,
  resumed: boolean,
  deps: SubWorkflowTaskDeps,
): Promise<StepEnd | StepParked> {
  const { recorder, control } = deps;
  const id = step.stepId;
  const fail = async (attempt: number, code: string, message: string): Promise<StepEnd> => {
    const error: RecordedError = { code, message, stepId: id };
    await recorder.stepFailed(id, attempt, error, {});
    return { kind: "failed", error };
  };
  if (control.aborted)
    return resumed ? { kind: "interrupted", attempt: firstAttempt, output: {} } : { kind: "not-started" };
  let inputs: JsonObject;
  try {
    inputs = mapStepInputs(step, deps.runInputs, deps.outputsOf);
  } catch (error) {
    const failure = asStepFailure(error);
    return fail(firstAttempt, failure.code, failure.message);
  }
  const port = deps.port;
  const ref = step.workflow;
  if (!port || !ref)
    return fail(
      firstAttempt,
      "RUNNER_ERROR",
      `step "${id}" runs a sub-workflow, and this engine cannot start one`,
    );

  for (let attempt = firstAttempt; ; attempt++) {
    let childRunId: string;
    try {
      childRunId = await port.startChild(
        id,
        attempt,
        ref,
        inputs,
        !(resumed && attempt === firstAttempt),
        step.timeoutSeconds,
      );
    } catch (error) {
      if (error instanceof LostOwnershipError) throw error;
      return fail(
        attempt,
        "SUBWORKFLOW_FAILED",
        `could not start the sub-workflow: ${asStepFailure(error).message}`,
      );
    }
    const end = await port.childEnd(childRunId);
    if (end === null) return { kind: "parked", wakeAt: null };
    if (end.status === "succeeded" || end.status === "partially_succeeded") {
      await recorder.stepSucceeded(id, attempt, {
        outputs: end.outputs,
        stdout: "",
        stderr: "",
        stdoutTruncated: false,
        stderrTruncated: false,
      });
      return { kind: "succeeded", outputs: end.outputs };
    }
    const why = end.error ? `${end.error.code}: ${end.error.message}` : "no error recorded";
    const message = `sub-workflow run ${childRunId} ended ${end.status} (${why})`;
    if (control.aborted) return { kind: "interrupted", attempt, output: {} };
    const policy = deps.handling.retry;
    if (!policy || attempt > policy.maxRetries || control.halted)
      return fail(attempt, "SUBWORKFLOW_FAILED", message);
    const delayMs = backoffDelayMs(policy, attempt, deps.random);
    await recorder.stepRetrying(
      id,
      attempt,
      { code: "SUBWORKFLOW_FAILED", message, stepId: id },
      {},
      delayMs,
    );
    const slept = await deps.sleep(delayMs, control.stopSignal).then(
      () => undefined,
      (interruption: unknown) => ({ interruption }),
    );
    if (control.aborted) return { kind: "interrupted", attempt, output: {} };
    if (control.stopped) return fail(attempt, "SUBWORKFLOW_FAILED", message);
    if (slept) throw slept.interruption;
  }
}
