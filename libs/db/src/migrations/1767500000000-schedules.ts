import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Schedules: `schedules` (a cron expression in a time zone, its cursor `next_fire_at`), `schedule_ticks`
 * (one row per tick, primary key (schedule, kind, tick time): a tick is recorded once however many
 * executors see it due), and on `workflow_runs` the schedule and tick that started a run.
 */
export class Schedules1767500000000 implements MigrationInterface {
  name = "Schedules1767500000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE "schedules" (
  "id" uuid NOT NULL, "name" text NOT NULL, "description" text NOT NULL DEFAULT '',
  "workflow_ref" jsonb NOT NULL, "workflow_name" text NOT NULL, "inputs" jsonb NOT NULL DEFAULT '{}',
  "cron" text NOT NULL, "time_zone" text NOT NULL, "overlap_policy" text NOT NULL,
  "catch_up_window_ms" integer NOT NULL, "paused" boolean NOT NULL DEFAULT false,
  "pause_reason" text NOT NULL DEFAULT '', "next_fire_at" TIMESTAMP WITH TIME ZONE,
  "missed_ticks" bigint NOT NULL DEFAULT '0', "row_version" integer NOT NULL DEFAULT '1',
  "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
  "created_by" text, "updated_by" text,
  CONSTRAINT "schedules_pkey" PRIMARY KEY ("id"))`);
    await runner.query('CREATE UNIQUE INDEX "schedules_name_lower" ON "schedules" (lower("name"))');
    await runner.query(
      'CREATE INDEX "schedules_due" ON "schedules" ("next_fire_at") WHERE NOT paused AND next_fire_at IS NOT NULL',
    );
    await runner.query(`CREATE TABLE "schedule_ticks" (
  "schedule_id" uuid NOT NULL REFERENCES "schedules" ("id") ON DELETE CASCADE, "kind" text NOT NULL,
  "tick_at" TIMESTAMP WITH TIME ZONE NOT NULL, "outcome" text NOT NULL, "run_id" uuid,
  "reason" text NOT NULL DEFAULT '', "request_id" text, "claimed_by" text,
  "claimed_until" TIMESTAMP WITH TIME ZONE, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT "schedule_ticks_pkey" PRIMARY KEY ("schedule_id", "kind", "tick_at"))`);
    await runner.query(
      `CREATE INDEX "schedule_ticks_open" ON "schedule_ticks" ("claimed_until") WHERE outcome IN ('pending', 'buffered')`,
    );
    await runner.query('CREATE INDEX "schedule_ticks_recent" ON "schedule_ticks" ("schedule_id", "tick_at")');
    // at most one tick of a schedule waits for its running run (overlap policy buffer_one)
    await runner.query(
      `CREATE UNIQUE INDEX "schedule_ticks_one_buffered" ON "schedule_ticks" ("schedule_id") WHERE outcome = 'buffered'`,
    );
    await runner.query(
      'CREATE UNIQUE INDEX "schedule_ticks_request_id" ON "schedule_ticks" ("schedule_id", "request_id") WHERE request_id IS NOT NULL',
    );
    await runner.query('ALTER TABLE "workflow_runs" ADD "schedule_id" uuid');
    await runner.query('ALTER TABLE "workflow_runs" ADD "schedule_tick_at" TIMESTAMP WITH TIME ZONE');
    // the live runs of a schedule (overlap policies) and its latest runs
    await runner.query(
      'CREATE INDEX "workflow_runs_by_schedule" ON "workflow_runs" ("schedule_id", "status") WHERE schedule_id IS NOT NULL',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX "public"."workflow_runs_by_schedule"');
    await runner.query('ALTER TABLE "workflow_runs" DROP COLUMN "schedule_tick_at"');
    await runner.query('ALTER TABLE "workflow_runs" DROP COLUMN "schedule_id"');
    await runner.query('DROP TABLE "schedule_ticks"');
    await runner.query('DROP TABLE "schedules"');
  }
}
