import { randomUUID } from "node:crypto";
import { GroupCommit, type Outcome, type StepRowInit, type StepRunEntity } from "@mcp/db";
import { itemStepId } from "../engine/for-each.js";
import type { ItemUpdate, RecordedError, RecordedItem } from "../engine/types.js";
import type { JsonObject } from "../step/index.js";

/** A child row as `FencedWrites.upsertChildren` takes it. */
export type ItemRow = Omit<StepRowInit, "runId" | "position" | "parentStepRunId">;

/** Writes a batch of item rows of one `for_each` step in one statement (`FencedWrites.upsertChildren`). */
export type WriteItems = (parentStepId: string, rows: readonly ItemRow[]) => Promise<void>;

/** One queued item change: the row of a child of the step `parent`. */
interface ItemChange {
  readonly parent: string;
  readonly row: ItemRow;
}

/** An item whose "running" row is deferred. */
interface ItemStart {
  readonly startedAt: Date;
  timer: NodeJS.Timeout | undefined;
}

/**
 * The rows of `for_each` items, written with group commit so that 1,000 items do not cost 1,000
 * round trips more than their steps: an item's "running" row is written only once it has run
 * `startWriteDelayMs` (as a step's, see RecorderOptions); every other change is queued, and while
 * one write is in flight the changes that arrive meanwhile wait and go together in the next one
 * (`GroupCommit`, the same pattern that writes step transitions across runs; the latest change of
 * an item wins within a batch, one statement per parent step). A call resolves when its row is
 * committed; batches commit in order, so an item's rows never overtake each other.
 */
export class ItemWrites {
  private readonly starts = new Map<string, ItemStart>();
  private readonly changes: GroupCommit<ItemChange, void>;

  constructor(
    private readonly write: WriteItems,
    private readonly startWriteDelayMs: number,
  ) {
    this.changes = new GroupCommit((batch) => this.commit(batch), { maxBatch: 10_000 });
  }

  /** Records an item's change (see ItemUpdate); resolves once committed (a deferred start at once). */
  update(stepId: string, update: ItemUpdate): Promise<void> {
    const childId = itemStepId(stepId, update.index);
    if (update.status === "running") {
      const start: ItemStart = { startedAt: new Date(), timer: undefined };
      this.clearStart(childId);
      this.starts.set(childId, start);
      const row = this.row(childId, update, start.startedAt);
      if (this.startWriteDelayMs <= 0) return this.enqueue(stepId, row);
      start.timer = setTimeout(() => {
        start.timer = undefined;
        // a failure here is the item's next write's to report: it carries the start again
        this.enqueue(stepId, row).catch(() => undefined);
      }, this.startWriteDelayMs);
      return Promise.resolve();
    }
    const start = this.starts.get(childId);
    if (update.status !== "retrying") this.clearStart(childId);
    else if (start?.timer !== undefined) {
      clearTimeout(start.timer);
      start.timer = undefined;
    }
    return this.enqueue(stepId, this.row(childId, update, start?.startedAt ?? new Date()));
  }

  /** Drops deferred "running" writes not yet made. */
  close(): void {
    for (const start of this.starts.values()) clearTimeout(start.timer);
    this.starts.clear();
  }

  private clearStart(childId: string): void {
    const start = this.starts.get(childId);
    if (start) clearTimeout(start.timer);
    this.starts.delete(childId);
  }

  private row(childId: string, update: ItemUpdate, startedAt: Date): ItemRow {
    const finished =
      update.status !== "running" && update.status !== "retrying" && update.status !== "waiting";
    const finishedAt = finished ? new Date() : null;
    const result = update.result ?? {};
    const error: JsonObject | null = update.error
      ? {
          code: update.error.code,
          message: update.error.message,
          ...(update.error.stepId ? { stepId: update.error.stepId } : {}),
          ...(update.delayMs !== undefined ? { retryInMs: update.delayMs } : {}),
        }
      : null;
    return {
      id: randomUUID(),
      stepId: childId,
      status: update.status,
      attempt: update.attempt,
      itemIndex: update.index,
      inputs: update.inputs,
      outputs: update.status === "succeeded" ? (result.outputs ?? {}) : null,
      error,
      usage: result.usage ?? null,
      stdout: result.stdout ?? "",
      stderr: result.stderr ?? "",
      stdoutTruncated: result.stdoutTruncated ?? false,
      stderrTruncated: result.stderrTruncated ?? false,
      startedAt,
      finishedAt,
      durationMs: finishedAt ? finishedAt.getTime() - startedAt.getTime() : null,
      childRunId: update.childRunId ?? null,
      updatedAt: new Date(),
    };
  }

  private enqueue(parent: string, row: ItemRow): Promise<void> {
    return this.changes.submit({ parent, row });
  }

  /** Writes a batch: one statement per parent step (its items' latest rows), one after the other. */
  private async commit(batch: readonly ItemChange[]): Promise<Array<Outcome<void>>> {
    const byParent = new Map<string, Map<string, ItemRow>>();
    for (const { parent, row } of batch) {
      const rows = byParent.get(parent) ?? new Map<string, ItemRow>();
      rows.set(row.stepId, row);
      byParent.set(parent, rows);
    }
    const outcomes = new Map<string, Outcome<void>>();
    for (const [parent, rows] of byParent) {
      try {
        await this.write(parent, [...rows.values()]);
        outcomes.set(parent, { value: undefined });
      } catch (error) {
        outcomes.set(parent, { error });
      }
    }
    return batch.map(({ parent }) => outcomes.get(parent) ?? { value: undefined });
  }
}

/** The recorded items of each `for_each` step, by the parent row's id (on resume). */
export function recordedItems(steps: readonly StepRunEntity[]): Map<string, RecordedItem[]> {
  const byParent = new Map<string, RecordedItem[]>();
  for (const s of steps) {
    if (s.parentStepRunId === null || s.itemIndex === null) continue;
    const items = byParent.get(s.parentStepRunId) ?? [];
    // an item waits only on a child run (a sub-workflow for_each); any other wait is a start not made
    const waitsOnChild = s.status === "waiting" && s.childRunId !== null;
    items.push({
      index: s.itemIndex,
      status: s.status === "waiting" && !waitsOnChild ? "pending" : s.status,
      attempt: s.attempt,
      outputs: s.outputs,
      error: recordedItemError(s.error),
      childRunId: s.childRunId,
    });
    byParent.set(s.parentStepRunId, items);
  }
  return byParent;
}

/** A recorded item's error as the engine reads it (code and message), or null. */
function recordedItemError(error: JsonObject | null): RecordedError | null {
  if (!error || typeof error["code"] !== "string") return null;
  return { code: error["code"], message: typeof error["message"] === "string" ? error["message"] : "" };
}
