import type { MigrationInterface, QueryRunner } from "typeorm";

/** Counting recoveries of a run without progress (RECOVERY_LIMIT), and the last driver's error. */
export class RunRecoveries1767000000000 implements MigrationInterface {
  name = "RunRecoveries1767000000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "workflow_runs" ADD "recoveries" integer NOT NULL DEFAULT \'0\'');
    await runner.query('ALTER TABLE "workflow_runs" ADD "last_driver_error" text');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "workflow_runs" DROP COLUMN "last_driver_error"');
    await runner.query('ALTER TABLE "workflow_runs" DROP COLUMN "recoveries"');
  }
}
