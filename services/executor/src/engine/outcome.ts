import type { WorkflowOutput, WorkflowSpec } from "@mcp/proto/workflows";
import type { JsonObject, JsonValue } from "../step/index.js";
import { readOutput, type OutputsOf } from "./inputs.js";
import type { AbortCause, StopCause } from "./run-control.js";
import type { RunState } from "./state.js";
import type { RecordedError, RunOutcome } from "./types.js";

/** The declared outputs that could be read, and the declarations of those that could not. */
export function finalOutputs(
  spec: WorkflowSpec,
  outputsOf: OutputsOf,
): { outputs: JsonObject; missing: WorkflowOutput[] } {
  const entries: [string, JsonValue][] = [];
  const missing: WorkflowOutput[] = [];
  for (const declared of spec.outputs) {
    const outputs = outputsOf(declared.stepId);
    const value = outputs === undefined ? undefined : readOutput(outputs, declared.output);
    if (value === undefined) missing.push(declared);
    else entries.push([declared.name, value]);
  }
  return { outputs: Object.fromEntries(entries), missing };
}

/** The outcome of a run aborted by cancel or by its own timeout (fatal aborts reject instead). */
export function abortedOutcome(cause: Exclude<AbortCause, { kind: "fatal" }>): RunOutcome {
  return cause.kind === "cancelled"
    ? { status: "cancelled", outputs: {}, error: { code: "CANCELLED", message: "the run was cancelled" } }
    : {
        status: "failed",
        outputs: {},
        error: { code: "RUN_TIMEOUT", message: runTimeoutMessage(cause.seconds) },
      };
}

export function runTimeoutMessage(seconds: number): string {
  return `the run exceeded its timeout of ${seconds}s`;
}

/** The outcome of a run that stopped on a failure (STOP, exhausted RETRY, FALLBACK). */
export function stoppedOutcome(spec: WorkflowSpec, stop: StopCause): RunOutcome {
  const fallbackWorkflow = spec.errorHandling?.fallbackWorkflow ?? "";
  return {
    status: "failed",
    outputs: {},
    error: stop.error,
    ...(stop.fallback && fallbackWorkflow !== "" ? { fallbackWorkflow } : {}),
  };
}

/**
 * The outcome of a run in which every step was decided without a stop: `succeeded` when all steps
 * succeeded or were skipped by a condition (and every declared output of a succeeded step can be read,
 * else `failed` with MISSING_OUTPUT; and `partially_succeeded` when a `for_each` step succeeded under
 * CONTINUE with failed items, its first failed item the error), otherwise
 * `partially_succeeded` when at least one step succeeded, `failed` when none did; the error is the
 * first failure.
 */
export function settledOutcome(spec: WorkflowSpec, state: RunState): RunOutcome {
  const ids = state.order.map((s) => s.stepId);
  const succeeded = ids.filter((id) => state.statusOf(id) === "succeeded");
  const { outputs, missing: unread } = finalOutputs(spec, (id) => state.outputsOf(id));
  // a condition skip is not a failure: what its step would have produced is simply left out
  const missing = unread.filter((declared) => !state.skippedByCondition(declared.stepId));
  const conditionSkipped = ids.filter((id) => state.skippedByCondition(id));
  if (succeeded.length + conditionSkipped.length === ids.length) {
    const [first] = missing;
    // a for_each step under CONTINUE succeeded with failed items: the run did not fully succeed
    const [itemFailure] = state.itemFailures;
    if (first === undefined && itemFailure)
      return { status: "partially_succeeded", outputs, error: itemFailure };
    if (first === undefined) return { status: "succeeded", outputs };
    const message = `cannot read declared output${missing.length > 1 ? "s" : ""} ${missing.map(describeOutput).join(", ")}`;
    return { status: "failed", outputs, error: { code: "MISSING_OUTPUT", message, stepId: first.stepId } };
  }
  const error = state.failures[0] ?? notRunError(ids.find((id) => state.statusOf(id) !== "succeeded") ?? "");
  return succeeded.length > 0
    ? { status: "partially_succeeded", outputs, error }
    : { status: "failed", outputs: {}, error };
}

function describeOutput(declared: WorkflowOutput): string {
  const what = declared.output === "" ? "the outputs" : `output "${declared.output}"`;
  return `"${declared.name}" (${what} of step "${declared.stepId}")`;
}

/** For a run whose only unsuccessful steps were recorded skipped/cancelled (no failure on record). */
function notRunError(stepId: string): RecordedError {
  return { code: "STEP_NOT_RUN", message: `step "${stepId}" did not run`, stepId };
}
