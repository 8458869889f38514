import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Webhook triggers (docs/adr/016): `webhook_triggers` holds each trigger's workflow, input mapping,
 * rate limit and its signing secret sealed under SECRETS_KEY; a run started by a delivery records the
 * trigger's name and the delivery id (`workflow_runs.trigger_name`, `trigger_delivery_id`). A delivery
 * id starts at most one run through the run's unique request id (`hook:<trigger id>:<delivery id>`).
 */
export class WebhookTriggers1767600000000 implements MigrationInterface {
  name = "WebhookTriggers1767600000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      'CREATE TABLE "webhook_triggers" ("id" uuid NOT NULL, "name" text COLLATE "C" NOT NULL, "description" text NOT NULL DEFAULT \'\', "workflow_ref" jsonb NOT NULL, "input_paths" jsonb NOT NULL, "rate_per_minute" integer NOT NULL, "burst" integer NOT NULL, "key_id" text NOT NULL, "nonce" bytea NOT NULL, "ciphertext" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "secret_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_by" text, CONSTRAINT "webhook_triggers_pkey" PRIMARY KEY ("id"))',
    );
    await runner.query('CREATE UNIQUE INDEX "webhook_triggers_name" ON "webhook_triggers" ("name")');
    await runner.query('ALTER TABLE "workflow_runs" ADD "trigger_name" text');
    await runner.query('ALTER TABLE "workflow_runs" ADD "trigger_delivery_id" text');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "workflow_runs" DROP COLUMN "trigger_delivery_id"');
    await runner.query('ALTER TABLE "workflow_runs" DROP COLUMN "trigger_name"');
    await runner.query('DROP TABLE IF EXISTS "webhook_triggers"');
  }
}
