import type { MigrationInterface, QueryRunner } from "typeorm";

/** Statuses of a run that has not ended. */
const LIVE = "status IN ('pending', 'running')";
/** A run queued behind another of its concurrency key: pending and not claimable until woken. */
const QUEUED = "status = 'pending' AND wake_at = 'infinity'";

/**
 * Concurrency limits (ADR 018).
 *
 * Concurrency keys: `workflow_runs.concurrency_key` (the workflow's key expression evaluated over the
 * run's inputs). One run per (workflow, key) runs at a time: a run inserted while another run of its
 * key is live is queued — trigger `workflow_runs_queue_by_key` turns the insert into a PENDING,
 * unowned run with `wake_at = 'infinity'` (so no claim takes it) — and when a run of a key reaches a
 * final status, trigger `workflow_runs_next_of_key` wakes the oldest queued run of that key
 * (`wake_at = now()`) in the same transaction, as `workflow_runs_wake_parent` does for parents. Both
 * take a transaction-scoped advisory lock on the key, so inserts and ends of one key are serialised
 * across replicas. Neither trigger fires for a run without a key.
 *
 * MCP permits (`max_concurrency`): `mcp_permits` holds one row per step (or `for_each` item) running
 * under a limit, tied to the run's fence — a permit whose run has another fence, has ended or whose
 * lease has expired is dead and counts for nothing; `mcp_permit_waiters` is the FIFO queue of steps
 * waiting for one. Both are only written for MCPs that declare a limit (RunPermits).
 */
export class ConcurrencyLimits1767800000000 implements MigrationInterface {
  name = "ConcurrencyLimits1767800000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "workflow_runs" ADD "concurrency_key" text');
    await runner.query(
      `CREATE INDEX "workflow_runs_by_concurrency_key" ON "workflow_runs" ("workflow_id", "concurrency_key", "created_at", "id") WHERE concurrency_key IS NOT NULL AND ${LIVE}`,
    );
    await runner.query(`CREATE FUNCTION workflow_runs_queue_by_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('run-key:' || COALESCE(NEW.workflow_id::text, '') || ':' || NEW.concurrency_key, 0));
  IF EXISTS (SELECT 1 FROM workflow_runs
              WHERE workflow_id IS NOT DISTINCT FROM NEW.workflow_id AND concurrency_key = NEW.concurrency_key
                AND ${LIVE} AND id <> NEW.id) THEN
    NEW.status := 'pending';
    NEW.owner := NULL;
    NEW.lease_expires_at := NULL;
    NEW.started_at := NULL;
    NEW.fence := 0;
    NEW.event_seq := 0;
    NEW.wake_at := 'infinity';
  END IF;
  RETURN NEW;
END $$`);
    await runner.query(`CREATE TRIGGER workflow_runs_queue_by_key BEFORE INSERT ON workflow_runs
  FOR EACH ROW WHEN (NEW.concurrency_key IS NOT NULL)
  EXECUTE FUNCTION workflow_runs_queue_by_key()`);
    await runner.query(`CREATE FUNCTION workflow_runs_next_of_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('run-key:' || COALESCE(NEW.workflow_id::text, '') || ':' || NEW.concurrency_key, 0));
  IF NOT EXISTS (SELECT 1 FROM workflow_runs
                  WHERE workflow_id IS NOT DISTINCT FROM NEW.workflow_id AND concurrency_key = NEW.concurrency_key
                    AND ${LIVE} AND NOT (${QUEUED})) THEN
    UPDATE workflow_runs SET wake_at = now()
     WHERE id = (SELECT id FROM workflow_runs
                  WHERE workflow_id IS NOT DISTINCT FROM NEW.workflow_id AND concurrency_key = NEW.concurrency_key
                    AND ${QUEUED}
                  ORDER BY created_at, id LIMIT 1);
  END IF;
  RETURN NULL;
END $$`);
    await runner.query(`CREATE TRIGGER workflow_runs_next_of_key AFTER UPDATE OF status ON workflow_runs
  FOR EACH ROW
  WHEN (NEW.concurrency_key IS NOT NULL AND OLD.status IS DISTINCT FROM NEW.status
        AND NEW.status IN ('succeeded', 'failed', 'partially_succeeded', 'cancelled'))
  EXECUTE FUNCTION workflow_runs_next_of_key()`);

    await runner.query(
      `CREATE TABLE "mcp_permits" ("run_id" uuid NOT NULL, "step_key" text NOT NULL, "mcp_id" uuid NOT NULL, "fence" bigint NOT NULL, "acquired_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "mcp_permits_pkey" PRIMARY KEY ("run_id", "step_key"), CONSTRAINT "mcp_permits_run" FOREIGN KEY ("run_id") REFERENCES "workflow_runs"("id") ON DELETE CASCADE)`,
    );
    await runner.query('CREATE INDEX "mcp_permits_by_mcp" ON "mcp_permits" ("mcp_id")');
    await runner.query(
      `CREATE TABLE "mcp_permit_waiters" ("id" BIGSERIAL NOT NULL, "mcp_id" uuid NOT NULL, "mcp_name" text NOT NULL, "max_concurrency" integer NOT NULL, "run_id" uuid NOT NULL, "step_key" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "mcp_permit_waiters_pkey" PRIMARY KEY ("id"), CONSTRAINT "mcp_permit_waiters_run" FOREIGN KEY ("run_id") REFERENCES "workflow_runs"("id") ON DELETE CASCADE)`,
    );
    await runner.query('CREATE INDEX "mcp_permit_waiters_fifo" ON "mcp_permit_waiters" ("mcp_id", "id")');
    await runner.query(
      'CREATE UNIQUE INDEX "mcp_permit_waiters_by_step" ON "mcp_permit_waiters" ("run_id", "step_key")',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE "mcp_permit_waiters"');
    await runner.query('DROP TABLE "mcp_permits"');
    await runner.query('DROP TRIGGER "workflow_runs_next_of_key" ON "workflow_runs"');
    await runner.query("DROP FUNCTION workflow_runs_next_of_key()");
    await runner.query('DROP TRIGGER "workflow_runs_queue_by_key" ON "workflow_runs"');
    await runner.query("DROP FUNCTION workflow_runs_queue_by_key()");
    await runner.query('DROP INDEX "public"."workflow_runs_by_concurrency_key"');
    await runner.query('ALTER TABLE "workflow_runs" DROP COLUMN "concurrency_key"');
  }
}
