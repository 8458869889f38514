import type { MigrationInterface, QueryRunner } from "typeorm";

/** People who signed in with OpenID Connect, one row per (issuer, subject) (docs/adr/023). */
export class Users1768400000000 implements MigrationInterface {
  name = "Users1768400000000";

  async up(runner: QueryRunner): Promise<void> {
    for (const sql of [
      'CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "issuer" text NOT NULL, "subject" text NOT NULL, "email" text, "name" text, "first_seen" TIMESTAMP WITH TIME ZONE NOT NULL, "last_seen" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_users_id" PRIMARY KEY ("id"))',
      'CREATE UNIQUE INDEX "users_issuer_subject" ON "users" ("issuer", "subject")',
    ]) {
      await runner.query(sql);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS "users"');
  }
}
