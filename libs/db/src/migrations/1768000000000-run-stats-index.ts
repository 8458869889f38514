import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The dashboard's index (GetRunStats): runs by creation time, covering the columns its hourly and
 * per-workflow aggregates read, so a 24-hour window is an index-only range scan however long the
 * run history is.
 */
export class RunStatsIndex1768000000000 implements MigrationInterface {
  name = "RunStatsIndex1768000000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      'CREATE INDEX "workflow_runs_stats" ON "workflow_runs" ("created_at") INCLUDE ("status", "workflow_name", "started_at", "finished_at")',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX "workflow_runs_stats"');
  }
}
