import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Run traces (docs/adr/025-tracing.md): each run keeps the W3C `traceparent` it was started under, so
 * every executor that drives it records its spans in the run's one trace. A nullable column without a
 * default: adding it rewrites nothing.
 */
export class RunTrace1768700000000 implements MigrationInterface {
  name = "RunTrace1768700000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "workflow_runs" ADD COLUMN IF NOT EXISTS "trace_parent" text');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "workflow_runs" DROP COLUMN IF EXISTS "trace_parent"');
  }
}
