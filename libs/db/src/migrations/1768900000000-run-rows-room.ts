import type { MigrationInterface, QueryRunner } from "typeorm";

/** The share of each new page a row insert may fill, on the tables a run updates many times. */
export const RUN_PATH_FILLFACTOR = 70;

/**
 * Room on each page for the next version of a run's rows (docs/adr/036-run-rows-room.md). A run's
 * row is updated at every step write (its event sequence) and a step's row at each of its
 * transitions; with pages filled to the brim each new version went to another page, so every
 * index of the table (twelve on `workflow_runs`) gained an entry for it and the old page kept a dead
 * copy. Filling new pages to 70 % lets PostgreSQL write those versions on the same page (a HOT
 * update: no index entry, pruned in place) whenever no indexed column changes.
 *
 * Only pages written from now on follow it: existing ones are left as they are until they are
 * rewritten (VACUUM FULL, CLUSTER, pg_repack). Setting it takes a SHARE UPDATE EXCLUSIVE lock, so
 * runs go on being read and written while it is applied.
 */
export class RunRowsRoom1768900000000 implements MigrationInterface {
  name = "RunRowsRoom1768900000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "workflow_runs" SET (fillfactor = ${RUN_PATH_FILLFACTOR})`);
    await runner.query(`ALTER TABLE "step_runs" SET (fillfactor = ${RUN_PATH_FILLFACTOR})`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "workflow_runs" RESET (fillfactor)');
    await runner.query('ALTER TABLE "step_runs" RESET (fillfactor)');
  }
}
