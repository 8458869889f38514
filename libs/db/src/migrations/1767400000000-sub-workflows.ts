import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Sub-workflows: a child run knows the parent's step that runs it (`workflow_runs.parent_step_id`,
 * beside `parent_run_id`), the parent's step row its child run (`step_runs.child_run_id`), and a
 * child run reaching a final status wakes its parent in the same transaction (trigger
 * `workflow_runs_wake_parent`: the parent's `wake_at` becomes now, whatever path ended the child —
 * its driver, CancelRun, the recovery limit), so a parked parent is claimed again to read the result.
 */
export class SubWorkflows1767400000000 implements MigrationInterface {
  name = "SubWorkflows1767400000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "workflow_runs" ADD "parent_step_id" text');
    await runner.query('ALTER TABLE "step_runs" ADD "child_run_id" uuid');
    await runner.query(
      'CREATE INDEX "workflow_runs_children" ON "workflow_runs" ("parent_run_id") WHERE parent_step_id IS NOT NULL',
    );
    await runner.query(`CREATE FUNCTION workflow_runs_wake_parent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE workflow_runs SET wake_at = now()
   WHERE id = NEW.parent_run_id AND status IN ('pending', 'running');
  RETURN NULL;
END $$`);
    await runner.query(`CREATE TRIGGER workflow_runs_wake_parent AFTER UPDATE OF status ON workflow_runs
  FOR EACH ROW
  WHEN (NEW.parent_step_id IS NOT NULL AND OLD.status IS DISTINCT FROM NEW.status
        AND NEW.status IN ('succeeded', 'failed', 'partially_succeeded', 'cancelled'))
  EXECUTE FUNCTION workflow_runs_wake_parent()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TRIGGER "workflow_runs_wake_parent" ON "workflow_runs"');
    await runner.query("DROP FUNCTION workflow_runs_wake_parent()");
    await runner.query('DROP INDEX "public"."workflow_runs_children"');
    await runner.query('ALTER TABLE "step_runs" DROP COLUMN "child_run_id"');
    await runner.query('ALTER TABLE "workflow_runs" DROP COLUMN "parent_step_id"');
  }
}
