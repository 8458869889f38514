import type { MigrationInterface, QueryRunner } from "typeorm";

/** API keys: only a SHA-256 of each key's secret is stored (DESIGN.md §5). */
export class ApiKeys1765000000000 implements MigrationInterface {
  name = "ApiKeys1765000000000";

  async up(runner: QueryRunner): Promise<void> {
    for (const sql of [
      'CREATE TABLE "api_keys" ("id" text NOT NULL, "name" text NOT NULL, "secret_hash" text NOT NULL, "scopes" text array NOT NULL DEFAULT \'{}\', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))',
      'CREATE UNIQUE INDEX "api_keys_live_name" ON "api_keys"  ("name") WHERE revoked_at IS NULL',
    ]) {
      await runner.query(sql);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS "api_keys"');
  }
}
