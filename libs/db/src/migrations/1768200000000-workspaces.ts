import type { MigrationInterface, QueryRunner } from "typeorm";

/** The tables whose rows belong to a workspace (docs/adr/021); a run's steps, signals, permits and items belong to it through their run. */
const OWNED = [
  "mcp_definitions",
  "workflow_definitions",
  "mcp_name_versions",
  "workflow_name_versions",
  "workflow_runs",
  "schedules",
  "secrets",
  "webhook_triggers",
  "api_keys",
] as const;

/**
 * Workspaces (issue 21, docs/adr/021): the `workspaces` table with `default` in it, a `workspace`
 * column on every owned table (existing rows land in `default`), and every name, idempotency key and
 * list index made per workspace.
 */
export class Workspaces1768200000000 implements MigrationInterface {
  name = "Workspaces1768200000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      'CREATE TABLE "workspaces" ("name" text COLLATE "C" NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "created_by" text, CONSTRAINT "workspaces_pkey" PRIMARY KEY ("name"))',
    );
    await runner.query(`INSERT INTO "workspaces" ("name", "created_by") VALUES ('default', NULL)`);
    for (const table of OWNED) {
      await runner.query(`ALTER TABLE "${table}" ADD "workspace" text NOT NULL DEFAULT 'default'`);
    }
    // catalogue names and their version counters
    for (const kind of ["mcp", "workflow"]) {
      await runner.query(`DROP INDEX "${kind}_definitions_live_name_key"`);
      await runner.query(
        `CREATE UNIQUE INDEX "${kind}_definitions_live_name_key" ON "${kind}_definitions" ("workspace", "name_key") WHERE deleted_at IS NULL`,
      );
      await runner.query(`DROP INDEX "${kind}_definitions_list"`);
      await runner.query(
        `CREATE INDEX "${kind}_definitions_list" ON "${kind}_definitions" ("workspace", "name_key", "id")`,
      );
    }
    await runner.query('ALTER TABLE "mcp_name_versions" DROP CONSTRAINT "PK_5be24589c51a0fae177295e8b2b"');
    await runner.query(
      'ALTER TABLE "mcp_name_versions" ADD CONSTRAINT "mcp_name_versions_pkey" PRIMARY KEY ("workspace", "name_key")',
    );
    await runner.query(
      'ALTER TABLE "workflow_name_versions" DROP CONSTRAINT "PK_9991abe9555b01b47ec2a713c8a"',
    );
    await runner.query(
      'ALTER TABLE "workflow_name_versions" ADD CONSTRAINT "workflow_name_versions_pkey" PRIMARY KEY ("workspace", "name_key")',
    );
    // runs: idempotency keys and the lists and dashboard of one workspace
    await runner.query('DROP INDEX "workflow_runs_request_id"');
    await runner.query(
      'CREATE UNIQUE INDEX "workflow_runs_request_id" ON "workflow_runs" ("workspace", "request_id") WHERE request_id IS NOT NULL',
    );
    await runner.query('DROP INDEX "workflow_runs_by_status"');
    await runner.query(
      'CREATE INDEX "workflow_runs_by_status" ON "workflow_runs" ("workspace", "status", "created_at", "id")',
    );
    await runner.query('DROP INDEX "workflow_runs_by_time"');
    await runner.query(
      'CREATE INDEX "workflow_runs_by_time" ON "workflow_runs" ("workspace", "created_at", "id")',
    );
    await runner.query('DROP INDEX "workflow_runs_stats"');
    await runner.query(
      'CREATE INDEX "workflow_runs_stats" ON "workflow_runs" ("workspace", "created_at") INCLUDE ("status", "workflow_name", "started_at", "finished_at")',
    );
    // schedules, secrets, webhook triggers and API keys: names per workspace
    await runner.query('DROP INDEX "schedules_name_lower"');
    await runner.query(
      'CREATE UNIQUE INDEX "schedules_name_lower" ON "schedules" ("workspace", lower("name"))',
    );
    await runner.query('ALTER TABLE "secrets" DROP CONSTRAINT "PK_0a802e5451589b0a8a816669655"');
    await runner.query(
      'ALTER TABLE "secrets" ADD CONSTRAINT "secrets_pkey" PRIMARY KEY ("workspace", "name")',
    );
    await runner.query('DROP INDEX "webhook_triggers_name"');
    await runner.query(
      'CREATE UNIQUE INDEX "webhook_triggers_name" ON "webhook_triggers" ("workspace", "name")',
    );
    await runner.query('DROP INDEX "api_keys_live_name"');
    await runner.query(
      'CREATE UNIQUE INDEX "api_keys_live_name" ON "api_keys" ("workspace", "name") WHERE revoked_at IS NULL',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    // Names unique per workspace may collide once global: down refuses rather than drop rows.
    await runner.query('DROP INDEX "api_keys_live_name"');
    await runner.query(
      'CREATE UNIQUE INDEX "api_keys_live_name" ON "api_keys" ("name") WHERE revoked_at IS NULL',
    );
    await runner.query('DROP INDEX "webhook_triggers_name"');
    await runner.query('CREATE UNIQUE INDEX "webhook_triggers_name" ON "webhook_triggers" ("name")');
    await runner.query('ALTER TABLE "secrets" DROP CONSTRAINT "secrets_pkey"');
    await runner.query(
      'ALTER TABLE "secrets" ADD CONSTRAINT "PK_0a802e5451589b0a8a816669655" PRIMARY KEY ("name")',
    );
    await runner.query('DROP INDEX "schedules_name_lower"');
    await runner.query('CREATE UNIQUE INDEX "schedules_name_lower" ON "schedules" (lower("name"))');
    await runner.query('DROP INDEX "workflow_runs_stats"');
    await runner.query(
      'CREATE INDEX "workflow_runs_stats" ON "workflow_runs" ("created_at") INCLUDE ("status", "workflow_name", "started_at", "finished_at")',
    );
    await runner.query('DROP INDEX "workflow_runs_by_time"');
    await runner.query('CREATE INDEX "workflow_runs_by_time" ON "workflow_runs" ("created_at", "id")');
    await runner.query('DROP INDEX "workflow_runs_by_status"');
    await runner.query(
      'CREATE INDEX "workflow_runs_by_status" ON "workflow_runs" ("status", "created_at", "id")',
    );
    await runner.query('DROP INDEX "workflow_runs_request_id"');
    await runner.query(
      'CREATE UNIQUE INDEX "workflow_runs_request_id" ON "workflow_runs" ("request_id") WHERE request_id IS NOT NULL',
    );
    await runner.query('ALTER TABLE "workflow_name_versions" DROP CONSTRAINT "workflow_name_versions_pkey"');
    await runner.query(
      'ALTER TABLE "workflow_name_versions" ADD CONSTRAINT "PK_9991abe9555b01b47ec2a713c8a" PRIMARY KEY ("name_key")',
    );
    await runner.query('ALTER TABLE "mcp_name_versions" DROP CONSTRAINT "mcp_name_versions_pkey"');
    await runner.query(
      'ALTER TABLE "mcp_name_versions" ADD CONSTRAINT "PK_5be24589c51a0fae177295e8b2b" PRIMARY KEY ("name_key")',
    );
    for (const kind of ["mcp", "workflow"]) {
      await runner.query(`DROP INDEX "${kind}_definitions_list"`);
      await runner.query(
        `CREATE INDEX "${kind}_definitions_list" ON "${kind}_definitions" ("name_key", "id")`,
      );
      await runner.query(`DROP INDEX "${kind}_definitions_live_name_key"`);
      await runner.query(
        `CREATE UNIQUE INDEX "${kind}_definitions_live_name_key" ON "${kind}_definitions" ("name_key") WHERE deleted_at IS NULL`,
      );
    }
    for (const table of OWNED) await runner.query(`ALTER TABLE "${table}" DROP COLUMN "workspace"`);
    await runner.query('DROP TABLE "workspaces"');
  }
}
