import type { MigrationInterface, QueryRunner } from "typeorm";

/** `for_each` steps: the item count on the step, the item index on each item's child row. */
export class ForEachItems1767300000000 implements MigrationInterface {
  name = "ForEachItems1767300000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "step_runs" ADD "item_index" integer');
    await runner.query('ALTER TABLE "step_runs" ADD "item_count" integer');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "step_runs" DROP COLUMN "item_count"');
    await runner.query('ALTER TABLE "step_runs" DROP COLUMN "item_index"');
  }
}
