import type { DataSource } from "typeorm";
import { PreparedStatements } from "./prepared.js";

/**
 * The first key of every executor session's advisory lock `(727002, lock_key)` (the migration lock
 * uses the one-key form, so the two never meet).
 */
export const EXECUTOR_SESSION_LOCK = 727_002;

/**
 * SQL: the owners of `executor_sessions` whose session has ended — their advisory lock is held by no
 * session of this database any more. `pg_locks` is read once per statement (a hashed subplan).
 */
export const ENDED_SESSION_OWNERS = `SELECT owner FROM executor_sessions
  WHERE lock_key::oid NOT IN (
    SELECT objid FROM pg_locks
     WHERE locktype = 'advisory' AND classid = ${EXECUTOR_SESSION_LOCK} AND objsubid = 2 AND granted
       AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))`;

/**
 * Which executors have died (ADR 024): each live executor holds its session's advisory lock on a
 * connection of its own (`ExecutorSession`), and PostgreSQL frees it the moment that session ends.
 */
export class ExecutorSessions {
  private readonly sql: PreparedStatements;

  constructor(dataSource: DataSource) {
    this.sql = new PreparedStatements(dataSource);
  }

  /**
   * The owners (other than `self`) whose session has ended and who still own live runs: their runs
   * can be taken over now (`RunStore.claimFromEndedSession`). Sessions that ended and own no live
   * run any more are deleted in the same statement.
   */
  async endedOwnersWithRuns(self: string): Promise<string[]> {
    const rows = await this.sql.rows<{ owner: string }>(
      `WITH ended AS MATERIALIZED (${ENDED_SESSION_OWNERS} AND owner <> $1),
            owning AS MATERIALIZED (
              SELECT e.owner FROM ended e
               WHERE EXISTS (SELECT 1 FROM workflow_runs r
                              WHERE r.owner = e.owner AND r.status IN ('pending', 'running'))),
            pruned AS (
              DELETE FROM executor_sessions s
               WHERE s.owner IN (SELECT owner FROM ended) AND s.owner NOT IN (SELECT owner FROM owning))
       SELECT owner FROM owning`,
      [self],
    );
    return rows.map((r) => r.owner);
  }
}
