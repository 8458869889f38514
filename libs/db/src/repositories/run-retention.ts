import type { DataSource } from "typeorm";
import { dbCall } from "../errors.js";

/** Any key for `pg_try_advisory_lock`: at most one prune at a time per database (migrations use 727001). */
export const PRUNE_LOCK_KEY = 727_002;

/** What one prune batch deleted (or a dry run would delete). */
export interface Pruned {
  readonly runs: number;
  /** Step rows of those runs (child steps, for_each items and tool calls included). */
  readonly steps: number;
}

/**
 * The runs a prune may delete: finished (succeeded, failed, partially_succeeded, cancelled) before the
 * cutoff `$1`, and no member of their family keeps them — neither their parent run (sub-workflow or
 * fallback parent) nor any run they started is live or finished at or after the cutoff. Walks
 * `workflow_runs_finished` (partial on the final statuses, by finished_at); children through
 * `workflow_runs_by_parent`, the parent through the primary key.
 */
const ELIGIBLE = `
  FROM workflow_runs r
 WHERE r.status IN ('succeeded', 'failed', 'partially_succeeded', 'cancelled')
   AND r.finished_at < $1
   AND NOT EXISTS (SELECT 1 FROM workflow_runs p
                    WHERE p.id = r.parent_run_id
                      AND (p.status IN ('pending', 'running') OR p.finished_at IS NULL OR p.finished_at >= $1))
   AND NOT EXISTS (SELECT 1 FROM workflow_runs c
                    WHERE c.parent_run_id = r.id
                      AND (c.status IN ('pending', 'running') OR c.finished_at IS NULL OR c.finished_at >= $1))`;

/** One batch's runs: `$1` the cutoff, `$2` the batch size (`npm run bench` EXPLAINs it). */
export const PRUNE_BATCH_SQL = `SELECT r.id ${ELIGIBLE} ORDER BY r.finished_at LIMIT $2 FOR UPDATE OF r SKIP LOCKED`;

/**
 * Deletes old finished runs in bounded batches (docs/adr/019-retention.md). Each batch is one short
 * transaction that locks its runs (`FOR UPDATE SKIP LOCKED`: a row another transaction holds is left
 * for the next pass, never waited on) and deletes their step rows, then the runs (signals and any
 * other table keyed by run go with them through `ON DELETE CASCADE`).
 */
export class RunRetention {
  constructor(private readonly dataSource: DataSource) {}

  /** How many runs and step rows a prune with `cutoff` would delete now; deletes nothing. */
  count(cutoff: Date): Promise<Pruned> {
    return dbCall(async () => {
      const rows = await this.dataSource.query<{ runs: string; steps: string }[]>(
        `SELECT count(*)::bigint AS runs,
                COALESCE(sum((SELECT count(*) FROM step_runs s WHERE s.run_id = r.id)), 0)::bigint AS steps
         ${ELIGIBLE}`,
        [cutoff],
      );
      return { runs: Number(rows[0]?.runs ?? 0), steps: Number(rows[0]?.steps ?? 0) };
    });
  }

  /** Deletes at most `limit` eligible runs, oldest finished first, with their steps, in one transaction. */
  deleteBatch(cutoff: Date, limit: number): Promise<Pruned> {
    return dbCall(() =>
      this.dataSource.transaction(async (tx) => {
        const doomed = await tx.query<{ id: string }[]>(PRUNE_BATCH_SQL, [cutoff, limit]);
        if (doomed.length === 0) return { runs: 0, steps: 0 };
        const ids = doomed.map((d) => d.id);
        const [, steps] = await tx.query<[unknown, number]>(
          "DELETE FROM step_runs WHERE run_id = ANY($1::uuid[])",
          [ids],
        );
        const [, runs] = await tx.query<[unknown, number]>(
          "DELETE FROM workflow_runs WHERE id = ANY($1::uuid[])",
          [ids],
        );
        return { runs, steps };
      }),
    );
  }

  /**
   * Runs `fn` holding the database-wide prune lock (a session advisory lock on a connection of its own,
   * released when `fn` ends or the process dies), or returns undefined at once when another process
   * holds it.
   */
  async exclusively<T>(fn: () => Promise<T>): Promise<T | undefined> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await dbCall(() => runner.connect());
      const rows = (await dbCall(() =>
        runner.query("SELECT pg_try_advisory_lock($1) AS locked", [PRUNE_LOCK_KEY]),
      )) as { locked: boolean }[];
      if (!rows[0]?.locked) return undefined;
      try {
        return await fn();
      } finally {
        await runner.query("SELECT pg_advisory_unlock($1)", [PRUNE_LOCK_KEY]).catch(() => undefined);
      }
    } finally {
      await runner.release();
    }
  }
}
