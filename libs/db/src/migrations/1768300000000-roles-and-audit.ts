import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Roles and the audit log (docs/adr/022): `api_keys.role` (backfilled from the key's scopes: `admin` →
 * admin; `write` (with or without `execute`) → editor; `execute` alone → operator; anything else →
 * viewer — never more than the key could do before), `workspace_members` (a person's role per
 * workspace) and `audit_events` (every mutating call, append-only).
 */
export class RolesAndAudit1768300000000 implements MigrationInterface {
  name = "RolesAndAudit1768300000000";

  async up(runner: QueryRunner): Promise<void> {
    for (const sql of [
      `ALTER TABLE "api_keys" ADD "role" text NOT NULL DEFAULT 'viewer'`,
      `UPDATE "api_keys" SET "role" = CASE
         WHEN 'admin' = ANY("scopes") THEN 'admin'
         WHEN 'write' = ANY("scopes") THEN 'editor'
         WHEN 'execute' = ANY("scopes") THEN 'operator'
         ELSE 'viewer' END`,
      `ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_role" CHECK ("role" IN ('viewer', 'editor', 'operator', 'admin'))`,
      `CREATE TABLE "workspace_members" ("workspace" text COLLATE "C" NOT NULL, "email" text COLLATE "C" NOT NULL, "role" text NOT NULL, "added_by" text NOT NULL DEFAULT '', "added_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "workspace_members_pkey" PRIMARY KEY ("workspace", "email"), CONSTRAINT "workspace_members_role" CHECK ("role" IN ('viewer', 'editor', 'operator', 'admin')))`,
      `CREATE TABLE "audit_events" ("id" BIGSERIAL NOT NULL, "event_time" TIMESTAMP WITH TIME ZONE NOT NULL, "workspace" text NOT NULL, "actor_kind" text NOT NULL DEFAULT '', "actor_id" text NOT NULL DEFAULT '', "actor" text NOT NULL DEFAULT '', "service" text NOT NULL, "method" text NOT NULL, "target" text NOT NULL DEFAULT '', "outcome" text NOT NULL, "request_id" text NOT NULL DEFAULT '', CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id"))`,
      'CREATE INDEX "audit_events_time" ON "audit_events" ("workspace", "event_time", "id")',
      'CREATE INDEX "audit_events_actor" ON "audit_events" ("workspace", "actor", "event_time", "id")',
      'CREATE INDEX "audit_events_method" ON "audit_events" ("workspace", "method", "event_time", "id")',
      'CREATE INDEX "audit_events_target" ON "audit_events" ("workspace", "target", "event_time", "id")',
    ]) {
      await runner.query(sql);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS "audit_events"');
    await runner.query('DROP TABLE IF EXISTS "workspace_members"');
    await runner.query('ALTER TABLE "api_keys" DROP CONSTRAINT IF EXISTS "api_keys_role"');
    await runner.query('ALTER TABLE "api_keys" DROP COLUMN IF EXISTS "role"');
  }
}
