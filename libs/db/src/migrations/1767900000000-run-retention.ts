import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Run retention (docs/adr/019-retention.md): the prune finds old finished runs by `finished_at`
 * (`workflow_runs_finished`, partial on the final statuses, so live runs never enter it) and checks a
 * run's children through `workflow_runs_by_parent` (sub-workflow AND fallback runs; the older
 * `workflow_runs_children` covers only sub-workflows). Built CONCURRENTLY, so a migration on a big
 * history does not block the run path; that cannot run inside a transaction, hence `transaction = false`.
 */
export class RunRetention1767900000000 implements MigrationInterface {
  name = "RunRetention1767900000000";
  transaction = false;

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS "workflow_runs_finished" ON "workflow_runs" ("finished_at")
        WHERE status IN ('succeeded', 'failed', 'partially_succeeded', 'cancelled')`,
    );
    await runner.query(
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS "workflow_runs_by_parent" ON "workflow_runs" ("parent_run_id") WHERE parent_run_id IS NOT NULL',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX CONCURRENTLY IF EXISTS "public"."workflow_runs_by_parent"');
    await runner.query('DROP INDEX CONCURRENTLY IF EXISTS "public"."workflow_runs_finished"');
  }
}
