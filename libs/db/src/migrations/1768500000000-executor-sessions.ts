import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Executor sessions (ADR 024): one row per running executor, naming the session-level advisory lock
 * `(727002, lock_key)` it holds on a connection of its own for as long as it lives. PostgreSQL
 * releases that lock the moment the session ends (the process died, its connection closed), so the
 * other executors see a dead executor at once and take its runs over without waiting for the lease.
 * `lock_key` comes from `executor_session_keys`, unique among the rows. An executor without a row
 * (an older version, or one whose session was pruned) is only ever taken over by its lease.
 */
export class ExecutorSessions1768500000000 implements MigrationInterface {
  name = "ExecutorSessions1768500000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE SEQUENCE "executor_session_keys" AS integer CYCLE');
    await runner.query(
      `CREATE TABLE "executor_sessions" ("owner" text NOT NULL, "lock_key" integer NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "executor_sessions_pkey" PRIMARY KEY ("owner"), CONSTRAINT "executor_sessions_lock_key" UNIQUE ("lock_key"))`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE "executor_sessions"');
    await runner.query('DROP SEQUENCE "executor_session_keys"');
  }
}
