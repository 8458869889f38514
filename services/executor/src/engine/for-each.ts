/**
 * A `for_each` step (see the scheduler's header for steps in general): the step's MCP runs once per item
 * of a list, each item a child step run `<step>[<index>]` with its own attempts, status and outputs.
 *
 * - The list: the workflow input or the upstream step's recorded output named by `for_each`, then its
 *   `path` (dot-separated; a segment of digits also indexes a list). Missing → MISSING_INPUT; not a list
 *   → FOR_EACH_NOT_A_LIST naming the path and the JSON type found; over {@link MAX_FOR_EACH_ITEMS} →
 *   FOR_EACH_TOO_LARGE. Each is recorded `stepFailed` without any item running, and never retried.
 * - Inputs: the step's other inputs are mapped once; per item, `item` inputs read the item (a field path
 *   into it, "" = the whole item) and `item_index` ones get its 0-based index. An `item` path the item
 *   does not have fails that item with MISSING_INPUT (not retried).
 * - Recording: `forEachStarted(step, attempt, inputs, count)` once the list is read, then per item
 *   `itemUpdated` running → succeeded | retrying … | failed. At most `max_concurrency` (default
 *   {@link DEFAULT_FOR_EACH_CONCURRENCY}) items run at once; they start in index order.
 * - Failures: the step's strategy applies per item. Retries (RETRY, or the step's own `retry`) are per
 *   item, with the step's policy. An item that failed for good:
 *   - CONTINUE: the other items go on; the failed item stays FAILED and its slot in `items` is null. The
 *     step SUCCEEDS when at least one item succeeded (or the list is empty), else it FAILS with the first
 *     failed item's error (and CONTINUE then applies to the step as to any step).
 *   - STOP / FALLBACK / exhausted RETRY: no new item starts (and items waiting to retry make no more
 *     attempts), running items finish and are recorded; the step FAILS with that item's code and a
 *     message naming the item.
 * - Output: `{"items": [the item outputs in item order]}`.
 * - The run stopping because another step failed: no new item starts, running items finish; the step
 *   fails with RUN_STOPPED. Cancel / run timeout: running items are aborted and recorded `cancelled`
 *   (cancel) or failed RUN_TIMEOUT; the scheduler records the step itself.
 * - Resume: items recorded `succeeded` keep their outputs and never run again; any other item runs
 *   (again), its attempts counted on from the recorded ones.
 * - Concurrency limits (item-permit.ts, ADR 018): an item of an MCP with `max_concurrency` takes a
 *   permit per attempt. One finding none free is queued and recorded WAITING; it waits in process
 *   while another item of the step holds a permit, else its worker stops. Once no item runs and some
 *   wait, the step is recorded WAITING and ends `parked` (the run holds no executor); woken, it goes
 *   on from where it parked (`resumed`): succeeded and failed items keep their ends, waiting items
 *   ask again from their place in the queue. Items queued when the step stops leave the queue.
 */
import { setMaxListeners } from "node:events";
import type { Step, StepInput } from "@mcp/proto/workflows";
import type { JsonObject, JsonValue, PinnedMcp, StepResult } from "../step/index.js";
import { asStepFailure, runAttempt } from "./attempt.js";
import { mapStepInputs, readOutput } from "./inputs.js";
import { runTimeoutMessage } from "./outcome.js";
import { backoffDelayMs, isRetryable } from "./retry.js";
import type { AbortCause, RunControl } from "./run-control.js";
import type { StepEnd, StepTaskDeps } from "./step-task.js";
import type { FailureHandling } from "./strategy.js";
import type { ItemUpdate, RecordedError, RecordedItem } from "./types.js";
import { ItemPermits } from "./item-permit.js";
import { isLimited } from "./permits.js";
import type { StepParked } from "./waiting.js";

/** The most items a list may have. */
export const MAX_FOR_EACH_ITEMS = 10_000;

/** Items at once when `max_concurrency` is unset. */
export const DEFAULT_FOR_EACH_CONCURRENCY = 8;

/** The child step id of item `index` of `stepId`. */
export function itemStepId(stepId: string, index: number): string {
  return `${stepId}[${index}]`;
}

/** How one item ended. */
export type ItemEnd =
  | { readonly kind: "succeeded"; readonly outputs: JsonObject }
  | { readonly kind: "failed"; readonly error: RecordedError }
  | { readonly kind: "interrupted" }
  | { readonly kind: "not-started" };

/** An item queued for a permit (item-permit.ts): attempt `attempt` is still to be made. */
interface ItemQueued {
  readonly kind: "queued";
  readonly attempt: number;
}

/**
 * Runs a `for_each` step from attempt `attempt` (as described at the top of this file); `resumed`: it
 * parked while its items waited for permits and goes on. Rejects only when a recorder call fails.
 */
export async function runForEach(
  step: Step,
  attempt: number,
  deps: StepTaskDeps,
  recordedItems: readonly RecordedItem[] = [],
  resumed = false,
): Promise<StepEnd | StepParked> {
  const { recorder, control } = deps;
  const stepId = step.stepId;
  const fail = async (error: RecordedError): Promise<StepEnd> => {
    await recorder.stepFailed(stepId, attempt, error, {});
    return { kind: "failed", error };
  };

  const setup = forEachSetup(step, deps);
  if (!setup.ok) return fail(setup.error);
  const { list, fixedInputs, itemInputs } = setup;
  const mcp = deps.mcp;
  if (mcp === undefined)
    return fail({ code: "RUNNER_ERROR", message: `the run plan pins no MCP for step "${stepId}"`, stepId });
  if (control.aborted)
    return resumed ? { kind: "interrupted", attempt, output: {} } : { kind: "not-started" };
  await recorder.forEachStarted(stepId, attempt, fixedInputs, list.length, resumed);

  const recorded = new Map(recordedItems.map((item) => [item.index, item]));
  const outputs: (JsonObject | null)[] = list.map(() => null);
  const ends: (ItemEnd | undefined)[] = list.map(() => undefined);
  const todo: number[] = [];
  let firstFailure: { index: number; error: RecordedError } | undefined;
  list.forEach((_, index) => {
    const item = recorded.get(index);
    if (item?.status === "succeeded") {
      outputs[index] = item.outputs ?? {};
      ends[index] = { kind: "succeeded", outputs: item.outputs ?? {} };
    } else if (resumed && item?.status === "failed") {
      // failed for good before the step parked (CONTINUE): it stays failed
      const error = {
        code: item.error?.code ?? "STEP_FAILED",
        message: item.error?.message ?? "no error recorded",
        stepId: itemStepId(stepId, index),
      };
      ends[index] = { kind: "failed", error };
      firstFailure ??= { index, error };
    } else todo.push(index);
  });

  const stopItems = new AbortController();
  if (firstFailure && deps.handling.onFailure !== "continue") stopItems.abort();
  const stopSignal = AbortSignal.any([control.stopSignal, stopItems.signal]);
  const permits = deps.permits && isLimited(mcp) ? new ItemPermits(deps.permits, mcp) : undefined;
  /** Items queued for a permit that no worker holds: index → the attempt they wait to make. */
  const queued = new Map<number, number>();
  const limit = Math.max(1, step.forEach?.maxConcurrency ?? DEFAULT_FOR_EACH_CONCURRENCY);
  // the items' attempts listen on a signal of their own (up to 64 at once), that follows the run's
  const itemSignal = new AbortController();
  setMaxListeners(4 * limit + 16, itemSignal.signal);
  /** Runs item `index` from `firstAttempt`; false when it was queued for a permit (its worker stops). */
  const runOne = async (index: number, firstAttempt: number): Promise<boolean> => {
    const end = await runItem(index, list[index] ?? null, {
      step,
      mcp,
      fixedInputs,
      itemInputs,
      firstAttempt,
      stopSignal,
      runSignal: itemSignal.signal,
      deps,
      permits,
    });
    if (end.kind === "queued") {
      queued.set(index, end.attempt);
      return false;
    }
    ends[index] = end;
    if (end.kind === "succeeded") outputs[index] = end.outputs;
    if (end.kind === "failed") {
      firstFailure ??= { index, error: end.error };
      if (deps.handling.onFailure !== "continue") stopItems.abort();
    }
    permits?.nudge();
    return true;
  };
  let next = 0;
  /** The next item to run and its attempt: queued ones first (they hold a place), then in index order. */
  const nextItem = (): [number, number] | undefined => {
    const waited = queued.entries().next();
    if (!waited.done) {
      queued.delete(waited.value[0]);
      return waited.value;
    }
    const index = todo[next++];
    return index === undefined ? undefined : [index, (recorded.get(index)?.attempt ?? 0) + 1];
  };
  const worker = async (): Promise<void> => {
    while (!control.halted && !stopItems.signal.aborted) {
      const picked = nextItem();
      if (!picked || !(await runOne(...picked))) return;
    }
  };
  const forward = (): void => itemSignal.abort(control.signal.reason);
  if (control.signal.aborted) forward();
  else control.signal.addEventListener("abort", forward, { once: true });
  try {
    await Promise.all(Array.from({ length: Math.min(limit, todo.length) }, () => worker()));
  } finally {
    control.signal.removeEventListener("abort", forward);
  }

  // aborted: a cancelled run's places go with its end; a lost run's are its next owner's
  if (control.aborted) return { kind: "interrupted", attempt, output: {} };
  if (permits && queued.size > 0 && !control.halted && !stopItems.signal.aborted) {
    await permits.park(stepId, attempt);
    return { kind: "parked", wakeAt: permits.wakeAt };
  }
  await permits?.withdraw();
  const verdict = forEachVerdict(stepId, ends, firstFailure, deps.handling, control);
  if (verdict.kind === "failed") return fail(verdict.error);
  const result: StepResult = {
    outputs: { items: outputs },
    stdout: "",
    stderr: "",
    stdoutTruncated: false,
    stderrTruncated: false,
  };
  await recorder.stepSucceeded(stepId, attempt, result);
  return { kind: "succeeded", outputs: result.outputs, ...partialSuccess(stepId, list.length, firstFailure) };
}

/**
 * For a `for_each` step that succeeded although an item failed for good (CONTINUE): that item's error
 * as the step's `itemFailure` (the run is then partially successful); nothing otherwise.
 */
export function partialSuccess(
  stepId: string,
  count: number,
  firstFailure: { readonly index: number; readonly error: RecordedError } | undefined,
): { itemFailure?: RecordedError } {
  if (!firstFailure) return {};
  const { index, error } = firstFailure;
  return {
    itemFailure: { code: error.code, message: `item ${index} of ${count} failed: ${error.message}`, stepId },
  };
}

/**
 * How a `for_each` step ends once no item runs any more (the rules at the top of this file): `ends` has
 * one entry per item (undefined = never started), `firstFailure` the first item that failed for good.
 */
export function forEachVerdict(
  stepId: string,
  ends: readonly (ItemEnd | undefined)[],
  firstFailure: { readonly index: number; readonly error: RecordedError } | undefined,
  handling: FailureHandling,
  control: RunControl,
): { readonly kind: "succeeded" } | { readonly kind: "failed"; readonly error: RecordedError } {
  const count = ends.length;
  const missing = ends.filter((end) => end === undefined || end.kind !== "succeeded").length;
  if (firstFailure && handling.onFailure !== "continue") {
    const { index, error } = firstFailure;
    return {
      kind: "failed",
      error: { code: error.code, message: `item ${index} of ${count} failed: ${error.message}`, stepId },
    };
  }
  const unstarted = ends.filter((end) => end === undefined || end.kind === "not-started").length;
  if (unstarted > 0) {
    const stop = control.stopped?.error.stepId ?? "";
    const message = `${unstarted} of ${count} items did not run: the run stopped because step "${stop}" failed`;
    return { kind: "failed", error: { code: "RUN_STOPPED", message, stepId } };
  }
  if (firstFailure && missing === count) {
    const { index, error } = firstFailure;
    const message = `all ${count} items failed; item ${index}: ${error.message}`;
    return { kind: "failed", error: { code: error.code, message, stepId } };
  }
  return { kind: "succeeded" };
}

/** What every item of a `for_each` step shares: its list and the inputs that do not read the item. */
export interface ForEachSetup {
  readonly ok: true;
  readonly list: readonly JsonValue[];
  readonly fixedInputs: JsonObject;
  readonly itemInputs: readonly [string, StepInput][];
}

/** Reads the step's list and maps its other inputs; or the error that fails the step before any item. */
export function forEachSetup(
  step: Step,
  deps: Pick<StepTaskDeps, "runInputs" | "outputsOf">,
): ForEachSetup | { readonly ok: false; readonly error: RecordedError } {
  const stepId = step.stepId;
  try {
    const list = readList(step, deps);
    const itemInputs = Object.entries(step.inputs).filter(([, input]) => isItemInput(input));
    const fixed = Object.fromEntries(Object.entries(step.inputs).filter(([, input]) => !isItemInput(input)));
    const fixedInputs = mapStepInputs({ ...step, inputs: fixed }, deps.runInputs, deps.outputsOf);
    return { ok: true, list, fixedInputs, itemInputs };
  } catch (error) {
    if (error instanceof ListError)
      return { ok: false, error: { code: error.code, message: error.message, stepId } };
    const failure = asStepFailure(error);
    return { ok: false, error: { code: failure.code, message: failure.message, stepId } };
  }
}

/** What one item needs. */
interface ItemTask {
  readonly step: Step;
  readonly mcp: PinnedMcp;
  readonly fixedInputs: JsonObject;
  readonly itemInputs: readonly [string, StepInput][];
  readonly firstAttempt: number;
  /** Aborts when no further attempt may start (the run stopped, or an item failed under STOP). */
  readonly stopSignal: AbortSignal;
  /** Aborts with the run (cancel, run timeout, lost ownership). */
  readonly runSignal: AbortSignal;
  readonly deps: StepTaskDeps;
  /** The step's permits when its MCP declares `max_concurrency`. */
  readonly permits: ItemPermits | undefined;
}

/**
 * One item from its first attempt to a recorded end: running → succeeded | retrying … | failed; or
 * to `queued`, recorded waiting, when no permit is free for it (see the top of this file).
 */
async function runItem(index: number, item: JsonValue, task: ItemTask): Promise<ItemEnd | ItemQueued> {
  const { step, deps } = task;
  const { recorder, control } = deps;
  const stepId = step.stepId;
  const childId = itemStepId(stepId, index);
  let inputs: JsonObject;
  try {
    inputs = { ...task.fixedInputs, ...itemValues(step, task.itemInputs, item, index) };
  } catch (error) {
    const failure = asStepFailure(error);
    const recordedError = { code: failure.code, message: failure.message, stepId: childId };
    const update = {
      index,
      attempt: task.firstAttempt,
      status: "failed",
      inputs: task.fixedInputs,
      error: recordedError,
    } as const;
    await recorder.itemUpdated(stepId, update);
    return { kind: "failed", error: recordedError };
  }
  const record = (update: Omit<ItemUpdate, "index" | "inputs">): Promise<void> =>
    recorder.itemUpdated(stepId, { index, inputs, ...update });
  /** Cancel: the item is recorded cancelled; run timeout: failed RUN_TIMEOUT; fatal: nothing. */
  const recordInterrupted = async (cause: AbortCause, attempt: number, output: Partial<StepResult>) => {
    if (cause.kind === "fatal") return;
    const error =
      cause.kind === "cancelled"
        ? { code: "CANCELLED", message: "run cancelled while the item was running", stepId: childId }
        : { code: "RUN_TIMEOUT", message: runTimeoutMessage(cause.seconds), stepId: childId };
    await record({
      attempt,
      status: cause.kind === "cancelled" ? "cancelled" : "failed",
      error,
      result: output,
    });
  };

  const permits = task.permits;
  for (let attempt = task.firstAttempt; ; attempt++) {
    if (control.aborted)
      return attempt === task.firstAttempt ? { kind: "not-started" } : { kind: "interrupted" };
    // its MCP's permit (item-permit.ts): queued, the item waits recorded WAITING with the attempts made;
    // aborted or stopped meanwhile, this attempt never started
    const answer = permits ? await permits.hold(childId, waitSignal(task)) : "held";
    if (answer === "queued") {
      await record({ attempt: attempt - 1, status: "waiting" });
      return { kind: "queued", attempt };
    }
    if (answer === "aborted") {
      if (attempt === task.firstAttempt) return { kind: "not-started" };
      const cause = abortCause(control);
      if (cause) {
        await recordInterrupted(cause, attempt - 1, {});
        return { kind: "interrupted" };
      }
      const error = { code: "RUN_STOPPED", message: "not retried: the step stopped", stepId: childId };
      await record({ attempt: attempt - 1, status: "failed", error });
      return { kind: "failed", error };
    }
    await record({ attempt, status: "running" });
    const attemptDone = runAttempt(
      {
        runId: deps.runId,
        stepId: childId,
        attempt,
        mcp: task.mcp,
        inputs,
        timeoutSeconds: step.timeoutSeconds,
        runSignal: task.runSignal,
      },
      deps.runnerFor,
    );
    const outcome = permits ? await attemptDone.finally(() => permits.release(childId)) : await attemptDone;
    if (outcome.ok) {
      await record({ attempt, status: "succeeded", result: outcome.result });
      return { kind: "succeeded", outputs: outcome.result.outputs };
    }
    const { failure } = outcome;
    const cause = abortCause(control);
    if (cause) {
      await recordInterrupted(cause, attempt, failure.output);
      return { kind: "interrupted" };
    }
    const error = { code: failure.code, message: failure.message, stepId: childId };
    const policy = deps.handling.retry;
    if (!policy || !isRetryable(failure.code) || attempt > policy.maxRetries || task.stopSignal.aborted) {
      await record({ attempt, status: "failed", error, result: failure.output });
      return { kind: "failed", error };
    }
    const delayMs = backoffDelayMs(policy, attempt, deps.random);
    await record({ attempt, status: "retrying", error, result: failure.output, delayMs });
    permits?.nudge();
    const slept = await deps.sleep(delayMs, task.stopSignal).then(
      () => undefined,
      (interruption: unknown) => ({ interruption }),
    );
    const late = abortCause(control);
    if (late) {
      await recordInterrupted(late, attempt, failure.output);
      return { kind: "interrupted" };
    }
    if (task.stopSignal.aborted) {
      await record({ attempt, status: "failed", error });
      return { kind: "failed", error };
    }
    if (slept) throw slept.interruption;
  }
}

/** What ends an item's wait for a permit: the run's abort, or no further attempt being allowed. */
function waitSignal(task: ItemTask): AbortSignal {
  return AbortSignal.any([task.runSignal, task.stopSignal]);
}

/** The run's abort cause now (read through a call: TypeScript keeps no stale narrowing of it). */
function abortCause(control: RunControl): AbortCause | undefined {
  return control.aborted;
}

/** A list that cannot be iterated. */
export class ListError extends Error {
  constructor(
    readonly code: "FOR_EACH_NOT_A_LIST" | "FOR_EACH_TOO_LARGE" | "MISSING_INPUT",
    message: string,
  ) {
    super(message);
  }
}

/** The list `step.for_each` names, read now. */
export function readList(
  step: Step,
  deps: Pick<StepTaskDeps, "runInputs" | "outputsOf">,
): readonly JsonValue[] {
  const forEach = step.forEach;
  const source = forEach?.source;
  let value: JsonValue | undefined;
  let what: string;
  switch (source?.case) {
    case "workflowInput":
      what = `workflow input "${source.value}"`;
      value = own(deps.runInputs, source.value);
      break;
    case "stepOutput": {
      const ref = source.value;
      what =
        ref.output === ""
          ? `the outputs of step "${ref.stepId}"`
          : `output "${ref.output}" of step "${ref.stepId}"`;
      const outputs = deps.outputsOf(ref.stepId);
      value = outputs === undefined ? undefined : readOutput(outputs, ref.output);
      break;
    }
    case undefined:
      throw new ListError("MISSING_INPUT", `for_each of step "${step.stepId}" names no list`);
  }
  if (value === undefined) {
    throw new ListError(
      "MISSING_INPUT",
      `for_each of step "${step.stepId}" reads ${what}, which the run does not have`,
    );
  }
  const path = forEach?.path ?? "";
  const found = readPath(value, path);
  const where = path === "" ? what : `path "${path}" of ${what}`;
  if (!found.ok) {
    throw new ListError(
      "FOR_EACH_NOT_A_LIST",
      `for_each of step "${step.stepId}": ${where} is missing (segment "${found.segment}" not found in ${jsonType(found.at)})`,
    );
  }
  if (!Array.isArray(found.value)) {
    throw new ListError(
      "FOR_EACH_NOT_A_LIST",
      `for_each of step "${step.stepId}": ${where} is ${jsonType(found.value)}, not a list`,
    );
  }
  if (found.value.length > MAX_FOR_EACH_ITEMS) {
    throw new ListError(
      "FOR_EACH_TOO_LARGE",
      `for_each of step "${step.stepId}": ${where} has ${found.value.length} items; at most ${MAX_FOR_EACH_ITEMS}`,
    );
  }
  return found.value;
}

/** The values of an item's `item` / `item_index` inputs. */
export function itemValues(
  step: Step,
  itemInputs: readonly [string, StepInput][],
  item: JsonValue,
  index: number,
): JsonObject {
  const entries: [string, JsonValue][] = [];
  for (const [name, input] of itemInputs) {
    const source = input.source;
    if (source.case === "itemIndex") entries.push([name, index]);
    else if (source.case === "item") {
      const found = readPath(item, source.value);
      if (!found.ok) {
        throw new ListError(
          "MISSING_INPUT",
          `input "${name}" of step "${step.stepId}" reads path "${source.value}" of item ${index}, which it does not have`,
        );
      }
      entries.push([name, found.value]);
    }
  }
  return Object.fromEntries(entries);
}

/** An input that reads the item (`item`) or its index (`item_index`). */
export function isItemInput(input: StepInput): boolean {
  return input.source.case === "item" || input.source.case === "itemIndex";
}

/** Follows a dot-separated path (own keys of objects; digits index lists); "" = the value itself. */
export function readPath(
  value: JsonValue,
  path: string,
): { ok: true; value: JsonValue } | { ok: false; segment: string; at: JsonValue } {
  if (path === "") return { ok: true, value };
  let current = value;
  for (const segment of path.split(".")) {
    let next: JsonValue | undefined;
    if (Array.isArray(current)) next = /^\d+$/.test(segment) ? current[Number(segment)] : undefined;
    else if (current !== null && typeof current === "object") next = own(current, segment);
    if (next === undefined) return { ok: false, segment, at: current };
    current = next;
  }
  return { ok: true, value: current };
}

/** The JSON type of a value, as people name it: null, boolean, number, string, list, object. */
export function jsonType(value: JsonValue): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

function own(object: JsonObject, key: string): JsonValue | undefined {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}
