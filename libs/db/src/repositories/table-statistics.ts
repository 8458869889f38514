import { escapeIdentifier } from "pg";
import type { DataSource } from "typeorm";
import { dbCall } from "../errors.js";

/** The tables every run writes to many times: their planner statistics go stale first. */
export const RUN_PATH_TABLES: readonly string[] = ["workflow_runs", "step_runs"];

/** A table whose planner statistics are out of date: rows changed since its last ANALYZE. */
export interface StaleTable {
  readonly table: string;
  readonly changedRows: number;
}

/** What {@link TableStatistics.refresh} did. */
export interface StatisticsRefresh {
  /** False when autovacuum looks after these tables (then nothing was checked). */
  readonly ownDuty: boolean;
  /** The tables analyzed now. */
  readonly analyzed: readonly StaleTable[];
}

/**
 * Keeps the planner statistics of the run path's tables when autovacuum does not (docs/adr/032).
 *
 * Each connection caches a generic plan of a prepared statement after its fifth run, made on the
 * tables' statistics of that moment, and PostgreSQL plans it again only when those statistics
 * change (ANALYZE). On a new database the plans are made while the tables are nearly empty, where a
 * lookup by half a key or a sequential scan looks as cheap as the right index; with autovacuum off
 * (on a whole cluster, or `autovacuum_enabled = false` on a table) nothing ever analyzes them, and
 * those plans cost more with every run kept. This runs ANALYZE on such a table once it has changed
 * as much as would make autovacuum analyze it (`autovacuum_analyze_threshold` +
 * `autovacuum_analyze_scale_factor` × its rows), which also makes every connection plan again.
 * With autovacuum on, it does nothing.
 */
export class TableStatistics {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tables: readonly string[] = RUN_PATH_TABLES,
  ) {}

  /**
   * The tables autovacuum leaves alone (`ownDuty`), and of those the ones that changed enough since
   * their last ANALYZE and that this role may analyze (`stale`).
   */
  async check(): Promise<{ ownDuty: boolean; stale: StaleTable[] }> {
    const rows = await dbCall(() =>
      this.dataSource.query<{ table: string; changed_rows: string; stale: boolean }[]>(
        `SELECT s.relname AS table, s.n_mod_since_analyze AS changed_rows,
                s.n_mod_since_analyze > current_setting('autovacuum_analyze_threshold')::float8
                  + current_setting('autovacuum_analyze_scale_factor')::float8 * greatest(c.reltuples, 0)
                  -- ANALYZE by anyone but the table's owner (or a member of its role) skips the table
                  AND pg_has_role(current_user, c.relowner, 'USAGE') AS stale
           FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
          WHERE s.schemaname = current_schema() AND s.relname = ANY($1::text[])
            AND NOT (current_setting('autovacuum')::boolean AND current_setting('track_counts')::boolean
                     AND coalesce((SELECT option_value::boolean FROM pg_options_to_table(c.reloptions)
                                    WHERE option_name = 'autovacuum_enabled'), true))
          ORDER BY s.relname`,
        [this.tables],
      ),
    );
    return {
      ownDuty: rows.length > 0,
      stale: rows
        .filter((row) => row.stale)
        .map((row) => ({ table: row.table, changedRows: Number(row.changed_rows) })),
    };
  }

  /**
   * ANALYZEs the stale tables autovacuum leaves alone ({@link check}). One executor at a time per
   * table (a transaction-level advisory lock; a table another is analyzing is skipped), and never
   * waiting long behind a lock someone else holds on it (a migration): `lock_timeout` 1 s.
   */
  async refresh(): Promise<StatisticsRefresh> {
    const { ownDuty, stale } = await this.check();
    const analyzed: StaleTable[] = [];
    for (const table of stale) {
      if (await this.analyze(table.table)) analyzed.push(table);
    }
    return { ownDuty, analyzed };
  }

  /** ANALYZE of one table under its advisory lock; false when another session holds the lock. */
  private async analyze(table: string): Promise<boolean> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await dbCall(() => runner.connect());
      await runner.startTransaction();
      try {
        await runner.query("SET LOCAL lock_timeout = '1s'");
        const [lock] = (await runner.query(
          "SELECT pg_try_advisory_xact_lock(hashtext('mcp:analyze:' || $1)) AS held",
          [table],
        )) as { held: boolean }[];
        if (!lock?.held) {
          await runner.rollbackTransaction();
          return false;
        }
        // the name is one of RUN_PATH_TABLES (or the caller's own list), never a caller's input
        await runner.query(`ANALYZE ${escapeIdentifier(table)}`);
        await runner.commitTransaction();
        return true;
      } catch (err) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        throw err;
      }
    } finally {
      await runner.release();
    }
  }
}
