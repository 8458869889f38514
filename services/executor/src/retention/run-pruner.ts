import { setTimeout as sleep } from "node:timers/promises";
import { FailedPreconditionError, InvalidArgumentError } from "@mcp/errors";
import type { Pruned, RunRetention } from "@mcp/db";
import type { RetentionMetrics } from "./retention-metrics.js";

const DAY_MS = 86_400_000;

/** What a prune did (or, dry, would do). */
export interface PruneResult extends Pruned {
  /** Transactions that deleted something (0 for a dry run). */
  readonly batches: number;
  /** Runs finished before this were candidates. */
  readonly cutoff: Date;
  readonly dryRun: boolean;
}

/** Options of {@link RunPruner}. */
export interface PrunerOptions {
  /** Most runs per transaction. */
  readonly batchRuns: number;
  /** Pause between two batches. */
  readonly pauseMs: number;
  /** RUN_RETENTION_DAYS: the age a prune uses when none is asked for; undefined = none. */
  readonly defaultDays: number | undefined;
}

/** Another prune holds the cluster-wide lock. FAILED_PRECONDITION, reason `PRUNE_RUNNING`. */
export function pruneRunning(): FailedPreconditionError {
  return new FailedPreconditionError(
    "a prune is already running (on this or another executor); try again once it has finished",
    "PRUNE_RUNNING",
  );
}

/**
 * Deletes old finished runs in bounded batches, one prune at a time cluster-wide (the store's advisory
 * lock), pausing between batches so the run path keeps the database. Stops between two batches when
 * `signal` aborts (an executor shutting down).
 */
export class RunPruner {
  constructor(
    private readonly store: RunRetention,
    private readonly options: PrunerOptions,
    private readonly metrics: RetentionMetrics,
  ) {}

  /**
   * The age to prune at: the one asked for, else RUN_RETENTION_DAYS; INVALID_ARGUMENT (`older_than`)
   * when neither is set.
   */
  olderThanMs(askedMs: number | undefined): number {
    if (askedMs !== undefined) return askedMs;
    if (this.options.defaultDays !== undefined) return this.options.defaultDays * DAY_MS;
    throw InvalidArgumentError.field(
      "older_than",
      "is required: this executor has no RUN_RETENTION_DAYS to default to (e.g. --older-than 30d)",
    );
  }

  /** Prunes (or counts, when `dryRun`) the runs that finished more than `olderThanMs` ago. */
  async prune(request: { olderThanMs: number; dryRun: boolean }, signal?: AbortSignal): Promise<PruneResult> {
    const cutoff = new Date(Date.now() - request.olderThanMs);
    if (request.dryRun) return { ...(await this.store.count(cutoff)), batches: 0, cutoff, dryRun: true };
    const done = await this.store.exclusively(() => this.inBatches(cutoff, signal));
    if (!done) throw pruneRunning();
    return { ...done, cutoff, dryRun: false };
  }

  private async inBatches(cutoff: Date, signal: AbortSignal | undefined) {
    let runs = 0;
    let steps = 0;
    let batches = 0;
    for (;;) {
      const batch = await this.store.deleteBatch(cutoff, this.options.batchRuns);
      if (batch.runs > 0) {
        batches += 1;
        runs += batch.runs;
        steps += batch.steps;
        this.metrics.pruned(batch);
      }
      if (batch.runs < this.options.batchRuns || signal?.aborted) break;
      if (this.options.pauseMs > 0) {
        try {
          await sleep(this.options.pauseMs, undefined, { signal });
        } catch {
          break; // aborted: stop between batches
        }
      }
    }
    return { runs, steps, batches };
  }
}
