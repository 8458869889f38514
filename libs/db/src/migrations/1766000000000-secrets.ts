import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The executor's secrets store: values sealed with AES-256-GCM (nonce, ciphertext + tag, key id);
 * names compared byte-wise (`COLLATE "C"`), so they are case-sensitive and list in the same order
 * on every server.
 */
export class Secrets1766000000000 implements MigrationInterface {
  name = "Secrets1766000000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      'CREATE TABLE "secrets" ("name" text COLLATE "C" NOT NULL, "description" text NOT NULL DEFAULT \'\', "value_version" integer NOT NULL, "key_id" text NOT NULL, "nonce" bytea NOT NULL, "ciphertext" bytea NOT NULL, "row_version" integer NOT NULL DEFAULT \'1\', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_by" text, "updated_by" text, CONSTRAINT "PK_0a802e5451589b0a8a816669655" PRIMARY KEY ("name"))',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS "secrets"');
  }
}
