import type { MigrationInterface, QueryRunner } from "typeorm";

/** The first schema: MCPs, workflows, runs and step runs (DESIGN.md §3). */
export class InitialSchema1732470000000 implements MigrationInterface {
  name = "InitialSchema1732470000000";

  async up(runner: QueryRunner): Promise<void> {
    for (const sql of [
      'CREATE TABLE "mcp_definitions" ("id" uuid NOT NULL, "name" text NOT NULL, "name_key" text NOT NULL, "type" text NOT NULL, "description" text NOT NULL DEFAULT \'\', "tags" text array NOT NULL DEFAULT \'{}\', "latest_version" integer NOT NULL, "labels" jsonb NOT NULL DEFAULT \'{}\', "row_version" integer NOT NULL DEFAULT \'1\', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "deleted_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_19f60d263e9e79163eb73fcfc39" PRIMARY KEY ("id"))',
      'CREATE INDEX "mcp_definitions_type" ON "mcp_definitions"  ("type") ',
      'CREATE INDEX "mcp_definitions_list" ON "mcp_definitions"  ("name_key", "id") ',
      'CREATE UNIQUE INDEX "mcp_definitions_live_name_key" ON "mcp_definitions"  ("name_key") WHERE deleted_at IS NULL',
      'CREATE TABLE "mcp_label_moves" ("id" BIGSERIAL NOT NULL, "mcp_id" uuid NOT NULL, "label" text NOT NULL, "from_version" integer, "to_version" integer, "moved_by" text NOT NULL DEFAULT \'\', "reason" text NOT NULL DEFAULT \'\', "moved_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_c07d917f5c79b3706fa4df49d60" PRIMARY KEY ("id"))',
      'CREATE INDEX "mcp_label_moves_history" ON "mcp_label_moves"  ("mcp_id", "id") ',
      'CREATE TABLE "mcp_versions" ("mcp_id" uuid NOT NULL, "version" integer NOT NULL, "type" text NOT NULL, "config" jsonb NOT NULL, "input_schema" jsonb, "output_schema" jsonb, "content_hash" text NOT NULL, "change_note" text NOT NULL DEFAULT \'\', "tool_snapshot" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "deprecated" boolean NOT NULL DEFAULT false, "deprecation_message" text NOT NULL DEFAULT \'\', "deprecated_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_a93c41dcb843af88f5f451f3802" PRIMARY KEY ("mcp_id", "version"))',
      'CREATE INDEX "mcp_versions_hash" ON "mcp_versions"  ("mcp_id", "content_hash") ',
      'CREATE TABLE "mcp_name_versions" ("name_key" text NOT NULL, "last_version" integer NOT NULL, CONSTRAINT "PK_5be24589c51a0fae177295e8b2b" PRIMARY KEY ("name_key"))',
      'CREATE TABLE "workflow_name_versions" ("name_key" text NOT NULL, "last_version" integer NOT NULL, CONSTRAINT "PK_9991abe9555b01b47ec2a713c8a" PRIMARY KEY ("name_key"))',
      'CREATE TABLE "workflow_runs" ("id" uuid NOT NULL, "kind" text NOT NULL, "workflow_id" uuid, "workflow_name" text, "workflow_version" integer, "mcp_id" uuid, "mcp_name" text, "mcp_version" integer, "status" text NOT NULL, "inputs" jsonb NOT NULL DEFAULT \'{}\', "outputs" jsonb, "error" jsonb, "request_id" text, "plan" jsonb, "owner" text, "lease_expires_at" TIMESTAMP WITH TIME ZONE, "fence" bigint NOT NULL DEFAULT \'0\', "event_seq" bigint NOT NULL DEFAULT \'0\', "parent_run_id" uuid, "fallback_run_id" uuid, "cancel_requested_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_eea9f8d0a660b3f48114c313233" PRIMARY KEY ("id"))',
      'CREATE INDEX "workflow_runs_by_time" ON "workflow_runs"  ("created_at", "id") ',
      'CREATE INDEX "workflow_runs_by_status" ON "workflow_runs"  ("status", "created_at", "id") ',
      'CREATE INDEX "workflow_runs_by_workflow" ON "workflow_runs"  ("workflow_id", "created_at", "id") ',
      'CREATE INDEX "workflow_runs_claimable" ON "workflow_runs"  ("status", "lease_expires_at") ',
      'CREATE UNIQUE INDEX "workflow_runs_request_id" ON "workflow_runs"  ("request_id") WHERE request_id IS NOT NULL',
      'CREATE TABLE "step_runs" ("id" uuid NOT NULL, "run_id" uuid NOT NULL, "step_id" text NOT NULL, "position" integer NOT NULL DEFAULT \'0\', "parent_step_run_id" uuid, "mcp_id" uuid, "mcp_name" text, "mcp_version" integer, "mcp_type" text, "status" text NOT NULL, "attempt" integer NOT NULL DEFAULT \'0\', "inputs" jsonb, "outputs" jsonb, "error" jsonb, "stdout" text NOT NULL DEFAULT \'\', "stderr" text NOT NULL DEFAULT \'\', "stdout_truncated" boolean NOT NULL DEFAULT false, "stderr_truncated" boolean NOT NULL DEFAULT false, "usage" jsonb, "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, "duration_ms" integer, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_5786a3a2b02a77b446ce02c4c09" PRIMARY KEY ("id"))',
      'CREATE UNIQUE INDEX "step_runs_unique_step" ON "step_runs"  ("run_id", "step_id") ',
      'CREATE INDEX "step_runs_by_run" ON "step_runs"  ("run_id", "position") ',
      'CREATE TABLE "workflow_definitions" ("id" uuid NOT NULL, "name" text NOT NULL, "name_key" text NOT NULL, "description" text NOT NULL DEFAULT \'\', "tags" text array NOT NULL DEFAULT \'{}\', "latest_version" integer NOT NULL, "current_version" integer NOT NULL, "current_version_pinned" boolean NOT NULL DEFAULT false, "row_version" integer NOT NULL DEFAULT \'1\', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "deleted_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_4f92fadfc5fb722f080ceaec272" PRIMARY KEY ("id"))',
      'CREATE INDEX "workflow_definitions_list" ON "workflow_definitions"  ("name_key", "id") ',
      'CREATE UNIQUE INDEX "workflow_definitions_live_name_key" ON "workflow_definitions"  ("name_key") WHERE deleted_at IS NULL',
      'CREATE TABLE "workflow_versions" ("workflow_id" uuid NOT NULL, "version" integer NOT NULL, "spec" jsonb NOT NULL, "mcp_refs" text array NOT NULL DEFAULT \'{}\', "content_hash" text NOT NULL, "change_note" text NOT NULL DEFAULT \'\', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_f9a22b7289b7461ead8b15c2708" PRIMARY KEY ("workflow_id", "version"))',
      'ALTER TABLE "mcp_label_moves" ADD CONSTRAINT "FK_6172efb71c2497ca690372b37bc" FOREIGN KEY ("mcp_id") REFERENCES "mcp_definitions"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
      'ALTER TABLE "mcp_versions" ADD CONSTRAINT "FK_5950f3a08c914db5d49da5353e4" FOREIGN KEY ("mcp_id") REFERENCES "mcp_definitions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
      'ALTER TABLE "step_runs" ADD CONSTRAINT "FK_2d7688ae3e7bc87403191972cdf" FOREIGN KEY ("run_id") REFERENCES "workflow_runs"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
      'ALTER TABLE "workflow_versions" ADD CONSTRAINT "FK_535cc897570fe88cb9733411ecc" FOREIGN KEY ("workflow_id") REFERENCES "workflow_definitions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
      'CREATE INDEX "mcp_definitions_tags" ON "mcp_definitions" USING GIN ("tags")',
      'CREATE INDEX "workflow_versions_mcp_refs" ON "workflow_versions" USING GIN ("mcp_refs")',
    ]) {
      await runner.query(sql);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const sql of [
      'DROP TABLE IF EXISTS "step_runs"',
      'DROP TABLE IF EXISTS "workflow_runs"',
      'DROP TABLE IF EXISTS "workflow_versions"',
      'DROP TABLE IF EXISTS "workflow_definitions"',
      'DROP TABLE IF EXISTS "workflow_name_versions"',
      'DROP TABLE IF EXISTS "mcp_label_moves"',
      'DROP TABLE IF EXISTS "mcp_versions"',
      'DROP TABLE IF EXISTS "mcp_definitions"',
      'DROP TABLE IF EXISTS "mcp_name_versions"',
    ]) {
      await runner.query(sql);
    }
  }
}
