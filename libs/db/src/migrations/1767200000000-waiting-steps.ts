import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Durable sleep, signals and approvals: a parked run's `wake_at` (indexed for the claim), what a step
 * waits for (`step_runs.kind`, `wake_at`, `signal`, `approval`), and `run_signals`, the signals sent to
 * a run and kept until a step receives them.
 */
export class WaitingSteps1767200000000 implements MigrationInterface {
  name = "WaitingSteps1767200000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      'CREATE TABLE "run_signals" ("id" BIGSERIAL NOT NULL, "run_id" uuid NOT NULL, "signal" text NOT NULL, "payload" jsonb, "request_id" text, "sent_by" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "consumed_by_step" text, "consumed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_2d4c136124c2617d3c65090149c" PRIMARY KEY ("id"))',
    );
    await runner.query('CREATE INDEX "run_signals_by_name" ON "run_signals" ("run_id", "signal", "id")');
    await runner.query(
      'CREATE UNIQUE INDEX "run_signals_request_id" ON "run_signals" ("run_id", "request_id") WHERE request_id IS NOT NULL',
    );
    await runner.query('ALTER TABLE "workflow_runs" ADD "wake_at" TIMESTAMP WITH TIME ZONE');
    await runner.query('ALTER TABLE "step_runs" ADD "kind" text');
    await runner.query('ALTER TABLE "step_runs" ADD "wake_at" TIMESTAMP WITH TIME ZONE');
    await runner.query('ALTER TABLE "step_runs" ADD "signal" text');
    await runner.query('ALTER TABLE "step_runs" ADD "approval" jsonb');
    await runner.query(
      'CREATE INDEX "workflow_runs_wake" ON "workflow_runs" ("wake_at") WHERE wake_at IS NOT NULL',
    );
    await runner.query(
      'ALTER TABLE "run_signals" ADD CONSTRAINT "FK_ff18feeda64a4ae30d5b08af544" FOREIGN KEY ("run_id") REFERENCES "workflow_runs"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "run_signals" DROP CONSTRAINT "FK_ff18feeda64a4ae30d5b08af544"');
    await runner.query('DROP INDEX "public"."workflow_runs_wake"');
    await runner.query('ALTER TABLE "step_runs" DROP COLUMN "approval"');
    await runner.query('ALTER TABLE "step_runs" DROP COLUMN "signal"');
    await runner.query('ALTER TABLE "step_runs" DROP COLUMN "wake_at"');
    await runner.query('ALTER TABLE "step_runs" DROP COLUMN "kind"');
    await runner.query('ALTER TABLE "workflow_runs" DROP COLUMN "wake_at"');
    await runner.query('DROP TABLE "run_signals"');
  }
}
