/**
 * A `for_each` step that runs a sub-workflow per item (`for_each` + `workflow`): each item is a child
 * step row `<step>[<index>]` AND a child run of its own (sub-workflow.ts), started through the
 * {@link SubWorkflowPort} with `<step>[<index>]` as its parent step (one child per item and attempt).
 * The step holds no executor while its children run: like a sub-workflow step it parks the run, and
 * each child's end wakes it (the `workflow_runs_wake_parent` trigger). Every drive of the step is one
 * pass over its items:
 *
 * - The list, the shared inputs and the per-item inputs are read as for an MCP `for_each` (for-each.ts:
 *   MISSING_INPUT, FOR_EACH_NOT_A_LIST, FOR_EACH_TOO_LARGE fail the step before any item).
 * - An item recorded `waiting` on a child run: the child's end is read. Succeeded (or partially) → the
 *   item succeeds with the child's outputs. Failed or cancelled → SUBWORKFLOW_FAILED naming the child;
 *   under a retry policy (RETRY, or the step's own `retry`) the item is recorded `retrying`, and after
 *   the backoff its next attempt starts a new child; else the item fails for good. Still running → it
 *   stays in flight.
 * - Items not yet started (or whose attempt was cut short before its child was recorded) start in index
 *   order while fewer than `max_concurrency` (default 8) are in flight, and nothing stopped the step:
 *   a failed item under STOP / FALLBACK / exhausted RETRY, or the run halting. An item whose inputs
 *   cannot be read, or whose child cannot be started (e.g. the child refuses the inputs), fails.
 * - Children in flight → the step is recorded WAITING on them and the task ends `parked`. None → the
 *   step ends as an MCP `for_each` does ({@link forEachVerdict}): output `{"items": [...]}`.
 * - Cancel or run timeout: the scheduler records the step; its open item rows are closed with it (the
 *   recorder), and the driver cancels the children of the run that ends.
 */
import type { Step } from "@mcp/proto/workflows";
import type { JsonObject, JsonValue } from "../step/index.js";
import { asStepFailure } from "./attempt.js";
import {
  DEFAULT_FOR_EACH_CONCURRENCY,
  forEachSetup,
  forEachVerdict,
  itemStepId,
  itemValues,
  partialSuccess,
  type ForEachSetup,
  type ItemEnd,
} from "./for-each.js";
import { backoffDelayMs } from "./retry.js";
import type { StepEnd } from "./step-task.js";
import type { SubWorkflowPort, SubWorkflowTaskDeps } from "./sub-workflow.js";
import { LostOwnershipError, type RecordedError, type RecordedItem } from "./types.js";
import type { StepParked } from "./waiting.js";

/** What a sub-workflow `for_each` step's task needs. */
export interface ForEachWorkflowDeps extends SubWorkflowTaskDeps {
  /** Its items recorded so far (on resume). */
  readonly recordedItems: readonly RecordedItem[];
}

/** An item's state within one pass. */
type ItemState =
  | { readonly kind: "ended"; readonly end: ItemEnd }
  | { readonly kind: "in-flight"; readonly attempt: number; readonly childRunId: string }
  /** To start with attempt `attempt`, at once or after `delayMs` (a retry's backoff). */
  | { readonly kind: "to-start"; readonly attempt: number; readonly delayMs: number };

/**
 * Drives a sub-workflow `for_each` step (attempt `attempt`; `resumed`: recorded waiting on its items)
 * one pass further, as described at the top of this file. Rejects only when a write fails.
 */
export async function runForEachWorkflow(
  step: Step,
  attempt: number,
  resumed: boolean,
  deps: ForEachWorkflowDeps,
): Promise<StepEnd | StepParked> {
  const { recorder, control } = deps;
  const stepId = step.stepId;
  const fail = async (error: RecordedError): Promise<StepEnd> => {
    await recorder.stepFailed(stepId, attempt, error, {});
    return { kind: "failed", error };
  };
  if (control.aborted)
    return resumed ? { kind: "interrupted", attempt, output: {} } : { kind: "not-started" };
  const setup = forEachSetup(step, deps);
  if (!setup.ok) return fail(setup.error);
  const port = deps.port;
  if (!port || !step.workflow)
    return fail({
      code: "RUNNER_ERROR",
      message: `step "${stepId}" runs a sub-workflow per item, and this engine cannot start one`,
      stepId,
    });
  if (!resumed) await recorder.forEachStarted(stepId, attempt, setup.fixedInputs, setup.list.length);

  const pass = new ItemPass(step, setup, port, deps);
  await pass.readRecorded(deps.recordedItems);
  await pass.startItems();
  if (pass.inFlight > 0) {
    await port.awaitItems(stepId, attempt);
    return { kind: "parked", wakeAt: null };
  }
  if (control.aborted) return { kind: "interrupted", attempt, output: {} };
  const verdict = forEachVerdict(stepId, pass.ends(), pass.firstFailure, deps.handling, control);
  if (verdict.kind === "failed") return fail(verdict.error);
  const outputs = { items: pass.outputs() };
  await recorder.stepSucceeded(stepId, attempt, {
    outputs,
    stdout: "",
    stderr: "",
    stdoutTruncated: false,
    stderrTruncated: false,
  });
  return { kind: "succeeded", outputs, ...partialSuccess(stepId, setup.list.length, pass.firstFailure) };
}

/** The items of one drive of the step. */
class ItemPass {
  private readonly states: ItemState[];
  /** The first item that failed for good (this pass or recorded). */
  firstFailure: { index: number; error: RecordedError } | undefined;
  private stopping = false;

  constructor(
    private readonly step: Step,
    private readonly setup: ForEachSetup,
    private readonly port: SubWorkflowPort,
    private readonly deps: ForEachWorkflowDeps,
  ) {
    this.states = setup.list.map(() => ({ kind: "to-start", attempt: 1, delayMs: 0 }));
  }

  get inFlight(): number {
    return this.states.filter((s) => s.kind === "in-flight").length;
  }

  ends(): (ItemEnd | undefined)[] {
    return this.states.map((s) => (s.kind === "ended" ? s.end : undefined));
  }

  outputs(): (JsonObject | null)[] {
    return this.states.map((s) => (s.kind === "ended" && s.end.kind === "succeeded" ? s.end.outputs : null));
  }

  /** Takes in what is recorded: ended items stay ended; children in flight are looked at. */
  async readRecorded(recorded: readonly RecordedItem[]): Promise<void> {
    const inOrder = [...recorded].sort((a, b) => a.index - b.index);
    for (const item of inOrder) {
      if (item.index >= this.states.length) continue;
      switch (item.status) {
        case "succeeded":
          this.states[item.index] = {
            kind: "ended",
            end: { kind: "succeeded", outputs: item.outputs ?? {} },
          };
          break;
        case "failed":
        case "cancelled":
        case "skipped": {
          const error = {
            code: item.error?.code ?? "SUBWORKFLOW_FAILED",
            message: item.error?.message ?? `item ${item.status}`,
            stepId: itemStepId(this.step.stepId, item.index),
          };
          this.states[item.index] = { kind: "ended", end: { kind: "failed", error } };
          this.failed(item.index, error);
          break;
        }
        case "waiting":
          if (item.childRunId)
            await this.look(item.index, item.attempt, item.childRunId, this.inputsOf(item.index));
          break;
        default:
          // running / retrying / pending: its next attempt starts (one past the recorded one)
          this.states[item.index] = { kind: "to-start", attempt: item.attempt + 1, delayMs: 0 };
      }
    }
  }

  /**
   * Starts items while there is room and nothing stops the step; retries wait their backoff first. A
   * child found ended at once (started before a crash) may free room or ask for a retry: so again.
   */
  async startItems(): Promise<void> {
    const limit = Math.max(1, this.step.forEach?.maxConcurrency ?? DEFAULT_FOR_EACH_CONCURRENCY);
    for (;;) {
      const starts: Promise<void>[] = [];
      for (let index = 0; index < this.states.length; index++) {
        const state = this.states[index];
        if (state?.kind !== "to-start") continue;
        if (this.stopping || this.deps.control.halted) break;
        if (this.inFlight + starts.length >= limit) break;
        starts.push(this.start(index, state.attempt, state.delayMs));
      }
      if (starts.length === 0) return;
      await Promise.all(starts);
    }
  }

  private inputsOf(index: number): JsonObject | undefined {
    const item: JsonValue = this.setup.list[index] ?? null;
    try {
      return { ...this.setup.fixedInputs, ...itemValues(this.step, this.setup.itemInputs, item, index) };
    } catch {
      return undefined;
    }
  }

  private async start(index: number, attempt: number, delayMs: number): Promise<void> {
    const { recorder, control } = this.deps;
    const stepId = this.step.stepId;
    const childStepId = itemStepId(stepId, index);
    if (delayMs > 0) {
      const slept = await this.deps.sleep(delayMs, control.stopSignal).then(
        () => undefined,
        (interruption: unknown) => ({ interruption }),
      );
      if (control.aborted) return;
      if (control.stopped) {
        const error = {
          code: "RUN_STOPPED",
          message: "the run stopped before the retry",
          stepId: childStepId,
        };
        await recorder.itemUpdated(stepId, {
          index,
          attempt: attempt - 1,
          status: "failed",
          inputs: {},
          error,
        });
        this.states[index] = { kind: "ended", end: { kind: "failed", error } };
        return;
      }
      if (slept) throw slept.interruption;
    }
    let inputs: JsonObject;
    try {
      inputs = {
        ...this.setup.fixedInputs,
        ...itemValues(this.step, this.setup.itemInputs, this.setup.list[index] ?? null, index),
      };
    } catch (error) {
      const failure = asStepFailure(error);
      return this.end(index, attempt, this.setup.fixedInputs, {
        code: failure.code,
        message: failure.message,
      });
    }
    let childRunId: string;
    try {
      childRunId = await this.port.startChild(
        childStepId,
        attempt,
        this.ref(),
        inputs,
        false,
        this.step.timeoutSeconds,
      );
    } catch (error) {
      if (error instanceof LostOwnershipError) throw error;
      const message = `could not start the sub-workflow: ${asStepFailure(error).message}`;
      return this.end(index, attempt, inputs, { code: "SUBWORKFLOW_FAILED", message });
    }
    await recorder.itemUpdated(stepId, { index, attempt, status: "waiting", inputs, childRunId });
    await this.look(index, attempt, childRunId, inputs);
  }

  /** Reads the end of item `index`'s child and records what it means. */
  private async look(
    index: number,
    attempt: number,
    childRunId: string,
    inputs: JsonObject | undefined,
  ): Promise<void> {
    const end = await this.port.childEnd(childRunId);
    if (end === null) {
      this.states[index] = { kind: "in-flight", attempt, childRunId };
      return;
    }
    const { recorder, control, handling } = this.deps;
    const stepId = this.step.stepId;
    const itemInputs = inputs ?? this.setup.fixedInputs;
    if (end.status === "succeeded" || end.status === "partially_succeeded") {
      await recorder.itemUpdated(stepId, {
        index,
        attempt,
        status: "succeeded",
        inputs: itemInputs,
        childRunId,
        result: { outputs: end.outputs },
      });
      this.states[index] = { kind: "ended", end: { kind: "succeeded", outputs: end.outputs } };
      return;
    }
    const why = end.error ? `${end.error.code}: ${end.error.message}` : "no error recorded";
    const message = `sub-workflow run ${childRunId} ended ${end.status} (${why})`;
    const policy = handling.retry;
    if (policy && attempt <= policy.maxRetries && !control.halted && !this.stopping) {
      const delayMs = backoffDelayMs(policy, attempt, this.deps.random);
      const error = { code: "SUBWORKFLOW_FAILED", message, stepId: itemStepId(stepId, index) };
      await recorder.itemUpdated(stepId, {
        index,
        attempt,
        status: "retrying",
        inputs: itemInputs,
        childRunId,
        error,
        delayMs,
      });
      this.states[index] = { kind: "to-start", attempt: attempt + 1, delayMs };
      return;
    }
    await this.end(index, attempt, itemInputs, { code: "SUBWORKFLOW_FAILED", message }, childRunId);
  }

  /** Item `index` failed for good: recorded, and under STOP no further item starts. */
  private async end(
    index: number,
    attempt: number,
    inputs: JsonObject,
    failure: { code: string; message: string },
    childRunId?: string,
  ): Promise<void> {
    const stepId = this.step.stepId;
    const error = { ...failure, stepId: itemStepId(stepId, index) };
    await this.deps.recorder.itemUpdated(stepId, {
      index,
      attempt,
      status: "failed",
      inputs,
      error,
      ...(childRunId ? { childRunId } : {}),
    });
    this.states[index] = { kind: "ended", end: { kind: "failed", error } };
    this.failed(index, error);
  }

  private failed(index: number, error: RecordedError): void {
    if (!this.firstFailure || index < this.firstFailure.index) this.firstFailure = { index, error };
    if (this.deps.handling.onFailure !== "continue") this.stopping = true;
  }

  private ref() {
    const ref = this.step.workflow;
    if (!ref) throw new Error(`step "${this.step.stepId}" names no workflow`);
    return ref;
  }
}
