/** What one write of a batch came to: its value, or the error its own caller gets. */
export type Outcome<O> = { readonly value: O } | { readonly error: unknown };

/** Commits a batch of writes in one statement; one outcome per write, in the batch's order. */
export type CommitBatch<I, O> = (batch: readonly I[]) => Promise<ReadonlyArray<Outcome<O>>>;

/** Options of {@link GroupCommit}. */
export interface GroupCommitOptions<I> {
  /** At most this many writes go in one batch (the rest wait for the next); default 256. */
  readonly maxBatch?: number;
  /**
   * Keys of what a write changes: a write sharing a key with one already waiting goes in a later
   * batch, so two writes of the same row never meet in one statement and commit in the order made.
   */
  readonly keys?: (write: I) => readonly string[];
}

interface Pending<I, O> {
  readonly write: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

interface Batch<I, O> {
  readonly writes: Pending<I, O>[];
  readonly keys: Set<string>;
}

/**
 * Group commit, the classic pattern: a write made while nothing is in flight goes out at once
 * (after the current synchronous code, so writes made together go together; no timer, no added
 * latency for a lone write); writes made while a batch is in flight wait and go together in the next
 * one. One batch is in flight at a time, so batches commit in the order they were made. Each caller
 * gets its own write's outcome; when the batch's commit throws, every caller of that batch (and only
 * of that batch) gets the error.
 */
export class GroupCommit<I, O> {
  private readonly waiting: Batch<I, O>[] = [];
  private busy = false;
  private readonly maxBatch: number;

  constructor(
    private readonly commit: CommitBatch<I, O>,
    private readonly options: GroupCommitOptions<I> = {},
  ) {
    this.maxBatch = Math.max(1, options.maxBatch ?? 256);
  }

  /** Queues `write`; resolves with its outcome once its batch has committed. */
  submit(write: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      const keys = this.options.keys?.(write) ?? [];
      let batch = this.waiting[this.waiting.length - 1];
      if (!batch || batch.writes.length >= this.maxBatch || keys.some((key) => batch!.keys.has(key))) {
        batch = { writes: [], keys: new Set() };
        this.waiting.push(batch);
      }
      batch.writes.push({ write, resolve, reject });
      for (const key of keys) batch.keys.add(key);
      if (!this.busy) {
        this.busy = true;
        queueMicrotask(() => void this.pump());
      }
    });
  }

  /** Commits the waiting batches one after the other until none is left. */
  private async pump(): Promise<void> {
    try {
      for (let batch = this.waiting.shift(); batch; batch = this.waiting.shift()) {
        await this.commitOne(batch.writes);
      }
    } finally {
      this.busy = false;
    }
  }

  private async commitOne(writes: ReadonlyArray<Pending<I, O>>): Promise<void> {
    let outcomes: ReadonlyArray<Outcome<O>>;
    try {
      outcomes = await this.commit(writes.map((pending) => pending.write));
    } catch (error) {
      for (const pending of writes) pending.reject(error);
      return;
    }
    writes.forEach((pending, i) => {
      const outcome = outcomes[i];
      if (outcome === undefined) pending.reject(new Error("group commit: no outcome for a write"));
      else if ("error" in outcome) pending.reject(outcome.error);
      else pending.resolve(outcome.value);
    });
  }
}
