import { randomUUID } from "node:crypto";
import {
  FenceLostError,
  untilReachable,
  type FencedWrites,
  type ReachOptions,
  type StepPatch,
  type StepRunEntity,
  type StepsOfEnd,
  type WrittenSteps,
} from "@mcp/db";
import {
  LostOwnershipError,
  type ItemUpdate,
  type RecordedError,
  type RunRecorder,
} from "../engine/types.js";
import type { RunEvents } from "../events/run-events.js";
import type { Waiting } from "../engine/waiting.js";
import type { JsonObject, PinnedMcp, StepResult } from "../step/index.js";
import { typeName } from "./type-names.js";
import { ItemWrites, type ItemRow } from "./item-writes.js";
import { isFinalStepRow, toStepRun } from "./mapping.js";

/** Where runs and steps are reported (runtime's `runMetrics(registry)`); optional, default nowhere. */
export interface RunMetrics {
  recoveryLimitReached(): void;
  writeRetried(): void;
  runStarted(): void;
  runStopped(): void;
  runFinished(status: string): void;
  stepFinished(mcpType: string, status: string, durationMs: number): void;
}

/** Options of {@link FencedRecorder}. */
export interface RecorderOptions {
  /**
   * A step's "running" row is written only once it has run this long (0 = at once). A step that ends
   * sooner is recorded by one write with its start time, inputs and result together: its result is
   * still committed before any dependent starts, and a step cut off before either write simply runs
   * again on resume, as a step recorded "running" would.
   */
  readonly startWriteDelayMs: number;
  readonly metrics?: RunMetrics;
  /**
   * How writes outlast a database outage: each is tried again while PostgreSQL cannot be reached
   * (until the run is lost), so a step that finished during the outage is recorded when the
   * database is back instead of being run again.
   */
  readonly reach?: ReachOptions;
  /**
   * The run's top-level steps not decided yet (every step of a fresh run; on resume those not
   * recorded succeeded, failed, skipped or cancelled). When given, the success of the last of them
   * is not written at once but held for the run's end to carry ({@link takeHeld}, docs/adr/031):
   * nothing depends on it, so it need not commit before the engine goes on.
   */
  readonly undecided?: readonly string[];
}

/** A step started whose "running" write is deferred (see {@link RecorderOptions.startWriteDelayMs}). */
interface PendingStart {
  readonly patch: StepPatch;
  timer: NodeJS.Timeout | undefined;
  written: Promise<void> | undefined;
}

/**
 * The engine's durable log for one claimed run. Every write is one fenced statement (see
 * `FencedWrites`): it commits, or writes nothing once another executor has claimed the run; only
 * then is it published as an event (without waiting for the publish: events carry the sequence
 * number of their write, and watchers order them and resync from the database on a gap).
 */
export class FencedRecorder implements RunRecorder {
  private readonly starts = new Map<string, PendingStart>();
  private readonly items: ItemWrites;
  /** Top-level steps not decided yet; undefined = no write is ever held. */
  private readonly undecided: Set<string> | undefined;
  /** Steps that had child rows or items written here: their success is never held. */
  private readonly parents = new Set<string>();
  /** The last step's success, held for the run's end (see RecorderOptions.undecided). */
  private held: StepsOfEnd | undefined;

  constructor(
    private readonly writes: FencedWrites,
    private readonly events: RunEvents,
    private readonly runId: string,
    private readonly fence: string,
    private readonly options: RecorderOptions,
  ) {
    this.items = new ItemWrites((parent, rows) => this.writeItems(parent, rows), options.startWriteDelayMs);
    this.undecided = options.undecided ? new Set(options.undecided) : undefined;
  }

  /**
   * The held success of the run's last step, taken by the driver to write with the run's end
   * (`FencedWrites.endRun`'s `steps`); then {@link published} with what that write returned.
   */
  takeHeld(): StepsOfEnd | undefined {
    const held = this.held;
    this.held = undefined;
    return held;
  }

  /** The outputs the held success gives the step `stepId`, if it is the one held. */
  heldOutputs(stepId: string): JsonObject | undefined {
    return this.held?.stepIds.includes(stepId) ? (this.held.patch.outputs ?? undefined) : undefined;
  }

  /** Writes the held success now, if any (the run does not end here after all: it parks). */
  async flushHeld(): Promise<void> {
    const held = this.takeHeld();
    if (held) await this.write(held.stepIds, held.patch);
  }

  async stepStarted(stepId: string, attempt: number, inputs: JsonObject): Promise<void> {
    const patch: StepPatch = {
      status: "running",
      attempt,
      inputs,
      error: null,
      startedAt: new Date(),
      finishedAt: null,
      durationMs: null,
    };
    if (this.options.startWriteDelayMs <= 0) return this.update([stepId], patch);
    const pending: PendingStart = { patch, timer: undefined, written: undefined };
    pending.timer = setTimeout(() => {
      pending.timer = undefined;
      // Written directly (not through update, which would take this entry): the step's next write
      // finds it here and waits for it, so the two commit in order. A failure here is that later
      // write's to report (it carries the start fields again).
      pending.written = this.write([stepId], patch).catch(() => undefined);
    }, this.options.startWriteDelayMs);
    this.starts.set(stepId, pending);
  }

  stepRetrying(
    stepId: string,
    attempt: number,
    error: RecordedError,
    output: Partial<StepResult>,
    delayMs: number,
  ): Promise<void> {
    return this.update([stepId], {
      status: "retrying",
      attempt,
      error: { ...error, retryInMs: delayMs },
      ...streams(output),
    });
  }

  async stepSucceeded(stepId: string, attempt: number, result: StepResult): Promise<void> {
    const patch: StepPatch = {
      status: "succeeded",
      attempt,
      outputs: result.outputs,
      error: null,
      usage: result.usage ?? null,
      finishedAt: new Date(),
      ...streams(result),
    };
    if (!this.isLast(stepId)) return this.update([stepId], patch);
    // nothing depends on the last step: its success goes with the run's end (docs/adr/031)
    this.undecided?.delete(stepId);
    this.held = { stepIds: [stepId], patch: await this.withStart([stepId], patch) };
  }

  /** `stepId` is the run's only undecided top-level step, with no child rows or items of its own. */
  private isLast(stepId: string): boolean {
    const undecided = this.undecided;
    return (
      undecided !== undefined &&
      undecided.size === 1 &&
      undecided.has(stepId) &&
      !this.parents.has(stepId) &&
      this.held === undefined
    );
  }

  stepFailed(
    stepId: string,
    attempt: number,
    error: RecordedError,
    output: Partial<StepResult>,
  ): Promise<void> {
    return this.update([stepId], {
      status: "failed",
      attempt,
      error: { ...error },
      finishedAt: new Date(),
      ...streams(output),
    });
  }

  stepsSkipped(
    stepIds: readonly string[],
    status: "skipped" | "cancelled",
    reason: string,
    code: string = status.toUpperCase(),
  ): Promise<void> {
    if (stepIds.length === 0) return Promise.resolve();
    return this.update(stepIds, {
      status,
      error: { code, message: reason },
      finishedAt: new Date(),
    });
  }

  /** The step waits (sleep, signal, approval; engine/waiting.ts): recorded WAITING, attempt 1. */
  stepWaiting(stepId: string, waiting: Waiting): Promise<void> {
    return this.update([stepId], {
      status: "waiting",
      attempt: 1,
      error: null,
      startedAt: new Date(),
      wakeAt: waiting.wakeAt,
      ...(waiting.signal !== undefined ? { signal: waiting.signal } : {}),
    });
  }

  /**
   * A step waits for a permit of its MCP's `max_concurrency` (engine/permits.ts) after `attempts`
   * attempts: recorded WAITING with no wake time (a released permit wakes the run).
   */
  stepAwaitingPermit(stepId: string, attempts: number, inputs: JsonObject): Promise<void> {
    return this.update([stepId], {
      status: "waiting",
      attempt: attempts,
      inputs,
      error: null,
      finishedAt: null,
      wakeAt: null,
    });
  }

  /**
   * A sub-workflow step (engine/sub-workflow.ts) started attempt `attempt` as child run `childRunId`
   * and waits for it: recorded WAITING with no wake time (the child's end wakes the run).
   */
  stepAwaitingChild(stepId: string, attempt: number, inputs: JsonObject, childRunId: string): Promise<void> {
    return this.update([stepId], {
      status: "waiting",
      attempt,
      inputs,
      error: null,
      startedAt: new Date(),
      finishedAt: null,
      wakeAt: null,
      childRunId,
    });
  }

  /**
   * A sub-workflow `for_each` step (engine/for-each-workflow.ts) waits on its items' child runs:
   * recorded WAITING with no wake time (each child's end wakes the run).
   */
  stepAwaitingItems(stepId: string, attempt: number): Promise<void> {
    return this.update([stepId], { status: "waiting", attempt, error: null, finishedAt: null, wakeAt: null });
  }

  /** A child step (an ai_assistant's tool call) starts: its row is created under the parent's. */
  async childStarted(
    parentStepId: string,
    childStepId: string,
    mcp: PinnedMcp,
    inputs: JsonObject,
  ): Promise<void> {
    this.parents.add(parentStepId);
    await this.flushHeld();
    // the parent's deferred "running" write goes first: its child is shown under a running step
    await this.settle([parentStepId], true);
    const now = new Date();
    const written = await this.guard(() =>
      this.reached(() =>
        this.writes.insertChild(this.runId, this.fence, parentStepId, {
          id: randomUUID(),
          stepId: childStepId,
          status: "running",
          mcpId: mcp.id,
          mcpName: mcp.name,
          mcpVersion: mcp.version,
          mcpType: typeName(mcp.type),
          attempt: 1,
          inputs,
          startedAt: now,
          updatedAt: now,
        }),
      ),
    );
    if (written.rows.length === 0) throw new Error(`run ${this.runId} has no step "${parentStepId}"`);
    this.publish(written, parentStepId);
  }

  /** A child step ended. */
  childFinished(
    childStepId: string,
    result: StepResult | { error: RecordedError; output: Partial<StepResult> },
  ): Promise<void> {
    const finishedAt = new Date();
    return "error" in result
      ? this.update([childStepId], {
          status: "failed",
          error: { ...result.error },
          finishedAt,
          ...streams(result.output),
        })
      : this.update([childStepId], {
          status: "succeeded",
          outputs: result.outputs,
          usage: result.usage ?? null,
          finishedAt,
          ...streams(result),
        });
  }

  /**
   * A `for_each` step read its list: running, with its item count (written at once). Resumed after a
   * park, it keeps its first start time and its wake time is cleared.
   */
  forEachStarted(
    stepId: string,
    attempt: number,
    inputs: JsonObject,
    itemCount: number,
    resumed = false,
  ): Promise<void> {
    return this.update([stepId], {
      status: "running",
      attempt,
      inputs,
      itemCount,
      error: null,
      ...(resumed ? { wakeAt: null } : { startedAt: new Date() }),
      finishedAt: null,
      durationMs: null,
    });
  }

  /** An item of a `for_each` step changed: a child row `<step>[<index>]`, batched (item-writes.ts). */
  itemUpdated(stepId: string, update: ItemUpdate): Promise<void> {
    this.parents.add(stepId);
    return this.items.update(stepId, update);
  }

  /** Writes a batch of item rows under the fence and publishes them. */
  private async writeItems(parentStepId: string, rows: readonly ItemRow[]): Promise<void> {
    const progress = rows.some((row) => row.status === "succeeded" || row.status === "failed");
    await this.flushHeld();
    const written = await this.guard(() =>
      this.reached(() => this.writes.upsertChildren(this.runId, this.fence, parentStepId, rows, progress)),
    );
    if (written.rows.length === 0) throw new Error(`run ${this.runId} has no step "${parentStepId}"`);
    for (const row of written.rows) {
      if (row.finishedAt && row.durationMs !== null)
        this.options.metrics?.stepFinished(row.mcpType ?? "unknown", row.status, row.durationMs);
    }
    this.publish(written, parentStepId);
  }

  /** Drops deferred "running" writes not yet made (the run is over for this executor). */
  close(): void {
    this.items.close();
    for (const pending of this.starts.values()) clearTimeout(pending.timer);
    this.starts.clear();
  }

  /** Runs a write, again while the database cannot be reached (see RecorderOptions.reach). */
  private reached<T>(write: () => Promise<T>): Promise<T> {
    return untilReachable(write, this.options.reach);
  }

  /** Turns a lost fence into the engine's LostOwnershipError. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof FenceLostError) throw new LostOwnershipError(this.runId);
      throw err;
    }
  }

  /**
   * Takes the deferred starts of `stepIds`: waits for those already being written, and cancels the
   * others — written now when `flush`, else returned to be merged into the caller's write.
   */
  private async settle(stepIds: readonly string[], flush: boolean): Promise<StepPatch | undefined> {
    let merge: StepPatch | undefined;
    for (const stepId of stepIds) {
      const pending = this.starts.get(stepId);
      if (!pending) continue;
      this.starts.delete(stepId);
      if (pending.timer !== undefined) {
        clearTimeout(pending.timer);
        if (flush || stepIds.length > 1) await this.write([stepId], pending.patch);
        else merge = pending.patch;
      } else {
        await pending.written;
        // the start fields again: harmless if that write committed, needed if it failed
        if (!flush && stepIds.length === 1) merge = pending.patch;
      }
    }
    return merge;
  }

  /** Applies `patch` (with any deferred start of the steps) under the fence, and publishes it. */
  private async update(stepIds: readonly string[], patch: StepPatch): Promise<void> {
    await this.write(stepIds, await this.withStart(stepIds, patch));
  }

  /** `patch` with the deferred start of its one step merged in (see {@link settle}). */
  private async withStart(stepIds: readonly string[], patch: StepPatch): Promise<StepPatch> {
    const start = await this.settle(stepIds, false);
    return start
      ? {
          startedAt: start.startedAt,
          inputs: start.inputs,
          ...patch,
          ...(patch.finishedAt && start.startedAt
            ? { durationMs: patch.finishedAt.getTime() - start.startedAt.getTime() }
            : {}),
        }
      : patch;
  }

  /** Applies `changes` to the steps under the fence (after any held write) and publishes each updated step. */
  private async write(stepIds: readonly string[], changes: StepPatch): Promise<void> {
    await this.flushHeld();
    const written = await this.guard(() =>
      this.reached(() => this.writes.updateSteps(this.runId, this.fence, stepIds, changes)),
    );
    if (changes.status !== undefined && isFinalStepRow(changes.status))
      for (const stepId of stepIds) this.undecided?.delete(stepId);
    this.published(written);
  }

  /**
   * Counts the steps a write finished and publishes every step it changed: this recorder's writes,
   * and the run end's that carried its held success.
   */
  published(written: WrittenSteps): void {
    for (const row of written.rows) {
      if (row.finishedAt && row.durationMs !== null)
        this.options.metrics?.stepFinished(row.mcpType ?? "unknown", row.status, row.durationMs);
    }
    this.publish(written);
  }

  private publish(written: WrittenSteps, parentStepId?: string): void {
    for (const row of written.rows) {
      this.events.emit(this.runId, written.seq, {
        case: "stepUpdated",
        value: toStepRun(row, parentStepId ?? parentOf(row)),
      });
    }
  }
}

/**
 * The parent step id of a child row (`<parent>#<attempt>/<n>:<tool>`, or a for_each item
 * `<parent>[<index>]`), or "" for a top-level step.
 */
function parentOf(row: StepRunEntity): string {
  return row.parentStepRunId ? (row.stepId.split(/[#[]/)[0] ?? "") : "";
}

function streams(output: Partial<StepResult>): StepPatch {
  const patch: StepPatch = {};
  if (output.stdout !== undefined) patch.stdout = output.stdout;
  if (output.stderr !== undefined) patch.stderr = output.stderr;
  if (output.stdoutTruncated !== undefined) patch.stdoutTruncated = output.stdoutTruncated;
  if (output.stderrTruncated !== undefined) patch.stderrTruncated = output.stderrTruncated;
  return patch;
}
