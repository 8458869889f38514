import { isConnectionError } from "./errors.js";

/** What one write of a batch came to: its value, or the error its own caller gets. */
export type Outcome<O> = { readonly value: O } | { readonly error: unknown };

/** Commits a batch of writes in one statement; one outcome per write, in the batch's order. */
export type CommitBatch<I, O> = (batch: readonly I[]) => Promise<ReadonlyArray<Outcome<O>>>;

/** Options of {@link GroupCommit}. */
export interface GroupCommitOptions<I> {
  /** At most this many writes go in one batch (the rest wait for the next); default 256. */
  readonly maxBatch?: number;
  /**
   * At most this many batches in flight at once (default 1): a write goes out at once while fewer
   * are, and waits to go with the others made meanwhile once this many are.
   */
  readonly maxInFlight?: number;
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
 * latency for a lone write); writes made while `maxInFlight` batches are in flight wait and go
 * together in the next one. Batches go out in the order they were made, and a batch holding a key of
 * one in flight waits until that one has committed, so writes of the same key commit in order. Each
 * caller gets its own write's outcome; when the batch's commit throws, every caller of that batch
 * (and only of that batch) gets the error.
 */
export class GroupCommit<I, O> {
  private readonly waiting: Batch<I, O>[] = [];
  /** Keys of the batches in flight, with how many of them hold each. */
  private readonly flying = new Map<string, number>();
  private inFlight = 0;
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly commit: CommitBatch<I, O>,
    private readonly options: GroupCommitOptions<I> = {},
  ) {
    this.maxBatch = Math.max(1, options.maxBatch ?? 256);
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 1);
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
      if (!this.scheduled && this.inFlight < this.maxInFlight) {
        this.scheduled = true;
        queueMicrotask(() => {
          this.scheduled = false;
          this.launch();
        });
      }
    });
  }

  /** Sends waiting batches, oldest first, while there is room and the oldest holds no key in flight. */
  private launch(): void {
    while (this.inFlight < this.maxInFlight) {
      const batch = this.waiting[0];
      if (!batch || [...batch.keys].some((key) => this.flying.has(key))) return;
      this.waiting.shift();
      this.inFlight += 1;
      for (const key of batch.keys) this.flying.set(key, (this.flying.get(key) ?? 0) + 1);
      void this.commitOne(batch.writes).finally(() => {
        this.inFlight -= 1;
        for (const key of batch.keys) {
          const count = (this.flying.get(key) ?? 1) - 1;
          if (count === 0) this.flying.delete(key);
          else this.flying.set(key, count);
        }
        this.launch();
      });
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

/**
 * `commit`, but when its statement fails for anything but an unreachable database (a value
 * PostgreSQL refuses, a deadlock) each write of the batch is tried again alone, so that only the
 * write at fault fails its caller. Nothing of a failed statement was written, so trying again is safe.
 */
export function aloneOnFailure<I, O>(commit: CommitBatch<I, O>): CommitBatch<I, O> {
  return async (writes) => {
    try {
      return await commit(writes);
    } catch (error) {
      if (writes.length === 1 || isConnectionError(error)) throw error;
      return Promise.all(
        writes.map(async (write): Promise<Outcome<O>> =>
          commit([write]).then(
            ([outcome]) => outcome ?? { error: new Error("the statement returned no outcome") },
            (alone: unknown) => ({ error: alone }),
          ),
        ),
      );
    }
  };
}
