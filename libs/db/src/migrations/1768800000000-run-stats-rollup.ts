import type { MigrationInterface, QueryRunner } from "typeorm";

/** The statuses a run ends in: the rollup counts exactly the runs in one of them. */
const FINAL_STATUSES = "('succeeded', 'failed', 'partially_succeeded', 'cancelled')";

/**
 * A run's hour in the rollup: the UTC hour it was created in (whatever the session's time zone), so a
 * run that ends in a later hour is counted in the hour it was created in, as before the rollup.
 */
const hourOf = (createdAt: string) => `date_trunc('hour', ${createdAt}, 'UTC')`;

/**
 * Every finished run, grouped as the rollup keeps them: one row per (workspace, hour created, workflow
 * name — '' for a single-MCP run —, final status) with its count and its duration histogram, a jsonb
 * object from bucket (`run_stats_bucket`, as text) to count, holding no zero. The backfill inserts
 * it; the tests compare the table with it.
 */
export const ROLLUP_OF_RUNS_SQL = `
  SELECT workspace, hour, workflow_name, status, sum(n)::int AS runs, jsonb_object_agg(bucket, n) AS histogram
    FROM (SELECT workspace, ${hourOf("created_at")} AS hour, COALESCE(workflow_name, '') AS workflow_name, status,
                 run_stats_bucket(started_at, finished_at) AS bucket, count(*)::int AS n
            FROM workflow_runs
           WHERE status IN ${FINAL_STATUSES}
           GROUP BY 1, 2, 3, 4, 5) per_bucket
   GROUP BY 1, 2, 3, 4`;

/** Fills the empty rollup from the runs (this migration; the benchmark after its bulk load). */
export const RUN_STATS_BACKFILL_SQL = `
  INSERT INTO run_stats_hourly (workspace, hour, workflow_name, status, runs, histogram)
  SELECT * FROM (${ROLLUP_OF_RUNS_SQL}) r ORDER BY workspace, hour, workflow_name, status`;

/** The rollup key of the run row `r` (OLD or NEW), as a WHERE clause over `run_stats_hourly h`. */
const keyOf = (r: string) =>
  `h.workspace = ${r}.workspace AND h.hour = ${hourOf(`${r}.created_at`)}
   AND h.workflow_name = COALESCE(${r}.workflow_name, '') AND h.status = ${r}.status`;

/** The finished runs of a statement's transition table `t`, grouped by rollup key, as a histogram. */
const groupedOf = (t: string) => `SELECT workspace, hour, workflow_name, status, sum(n)::int AS n,
         jsonb_object_agg(bucket, n) AS histogram
    FROM (SELECT workspace, ${hourOf("created_at")} AS hour, COALESCE(workflow_name, '') AS workflow_name,
                 status, run_stats_bucket(started_at, finished_at) AS bucket, count(*)::int AS n
            FROM ${t} WHERE status IN ${FINAL_STATUSES} GROUP BY 1, 2, 3, 4, 5) per_bucket
   GROUP BY 1, 2, 3, 4`;

/**
 * The dashboard's rollup (GetRunStats; docs/adr/027-run-stats-rollup.md): `run_stats_hourly` counts the
 * finished runs per workspace, UTC hour of creation, workflow name ('' for a single-MCP run) and final
 * status, with a duration histogram per row (jsonb, bucket → count; `run_stats_bucket`: 8 log-scale
 * buckets per doubling of the run's started → finished time in ms; -1 = finished without having
 * started, -2 = no finish time).
 *
 * It is kept equal to `SELECT … GROUP BY` over `workflow_runs` by triggers, in the transaction of
 * whatever changes a run, so every path that ends a run (the driver's fenced write, CancelRun of an
 * undriven run, the recovery limit, …) is counted, at one upsert per run end:
 * - `run_stats_hourly_on_insert`/`_on_update` (per row; the update one only `OF` the columns the key
 *   reads and only when a final status is involved, so step writes and claims never fire it);
 * - `run_stats_hourly_on_delete` (per statement, over the deleted rows: a prune batch of 500 runs is a
 *   handful of grouped decrements).
 * The covering index `workflow_runs_stats` the old aggregates scanned is dropped (the run path no
 * longer maintains it). The backfill runs inside this migration's transaction, after the triggers exist: creating them locks
 * `workflow_runs` against writes until the commit, so no run ends unseen in between.
 */
export class RunStatsRollup1768800000000 implements MigrationInterface {
  name = "RunStatsRollup1768800000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE FUNCTION run_stats_bucket(started timestamptz, finished timestamptz) RETURNS smallint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN finished IS NULL THEN -2
    WHEN started IS NULL THEN -1
    WHEN finished - started < interval '1 millisecond' THEN 0
    ELSE (1 + floor(8 * ln(extract(epoch FROM finished - started)::float8 * 1000) / ln(2::float8)))::smallint
  END $$`);
    await runner.query(`CREATE TABLE "run_stats_hourly" (
  "workspace" text NOT NULL,
  "hour" TIMESTAMP WITH TIME ZONE NOT NULL,
  "workflow_name" text NOT NULL,
  "status" text NOT NULL,
  "runs" integer NOT NULL,
  "histogram" jsonb NOT NULL,
  CONSTRAINT "run_stats_hourly_pkey" PRIMARY KEY ("workspace", "hour", "workflow_name", "status")
) WITH (fillfactor = 70)`);
    // a + sign × b, bucket by bucket, dropping the buckets that reach 0
    await runner.query(`CREATE FUNCTION run_stats_histogram_add(a jsonb, b jsonb, sign integer) RETURNS jsonb
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT COALESCE(jsonb_object_agg(bucket, n), '{}'::jsonb)
    FROM (SELECT bucket, sum(n) AS n
            FROM (SELECT key AS bucket, value::int AS n FROM jsonb_each_text(a)
                  UNION ALL
                  SELECT key, sign * value::int FROM jsonb_each_text(b)) both_sides
           GROUP BY bucket) summed
   WHERE n <> 0 $$`);
    await runner.query(`CREATE FUNCTION run_stats_hourly_count() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  b text;
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.status IN ${FINAL_STATUSES} THEN
    b := run_stats_bucket(OLD.started_at, OLD.finished_at)::text;
    UPDATE run_stats_hourly h
       SET runs = h.runs - 1,
           histogram = CASE WHEN (h.histogram->>b)::int > 1 THEN jsonb_set(h.histogram, ARRAY[b], to_jsonb((h.histogram->>b)::int - 1))
                            ELSE h.histogram - b END
     WHERE ${keyOf("OLD")};
    DELETE FROM run_stats_hourly h WHERE ${keyOf("OLD")} AND h.runs <= 0;
  END IF;
  IF NEW.status IN ${FINAL_STATUSES} THEN
    b := run_stats_bucket(NEW.started_at, NEW.finished_at)::text;
    INSERT INTO run_stats_hourly AS h (workspace, hour, workflow_name, status, runs, histogram)
    VALUES (NEW.workspace, ${hourOf("NEW.created_at")}, COALESCE(NEW.workflow_name, ''), NEW.status, 1,
            jsonb_build_object(b, 1))
    ON CONFLICT (workspace, hour, workflow_name, status) DO UPDATE
      SET runs = h.runs + 1,
          histogram = jsonb_set(h.histogram, ARRAY[b], to_jsonb(COALESCE((h.histogram->>b)::int, 0) + 1));
  END IF;
  RETURN NULL;
END $$`);
    await runner.query(`CREATE FUNCTION run_stats_hourly_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE run_stats_hourly h
     SET runs = h.runs - g.n, histogram = run_stats_histogram_add(h.histogram, g.histogram, -1)
    FROM (${groupedOf("gone")}) g
   WHERE (h.workspace, h.hour, h.workflow_name, h.status) = (g.workspace, g.hour, g.workflow_name, g.status);
  DELETE FROM run_stats_hourly h USING (${groupedOf("gone")}) g
   WHERE (h.workspace, h.hour, h.workflow_name, h.status) = (g.workspace, g.hour, g.workflow_name, g.status)
     AND h.runs <= 0;
  RETURN NULL;
END $$`);
    await runner.query(`CREATE TRIGGER run_stats_hourly_on_insert AFTER INSERT ON workflow_runs
  FOR EACH ROW WHEN (NEW.status IN ${FINAL_STATUSES})
  EXECUTE FUNCTION run_stats_hourly_count()`);
    await runner.query(`CREATE TRIGGER run_stats_hourly_on_update
  AFTER UPDATE OF status, workspace, workflow_name, created_at, started_at, finished_at ON workflow_runs
  FOR EACH ROW
  WHEN ((OLD.status IN ${FINAL_STATUSES} OR NEW.status IN ${FINAL_STATUSES})
        AND (OLD.status, OLD.workspace, OLD.workflow_name, OLD.created_at, OLD.started_at, OLD.finished_at)
            IS DISTINCT FROM (NEW.status, NEW.workspace, NEW.workflow_name, NEW.created_at, NEW.started_at, NEW.finished_at))
  EXECUTE FUNCTION run_stats_hourly_count()`);
    await runner.query(`CREATE TRIGGER run_stats_hourly_on_delete AFTER DELETE ON workflow_runs
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT
  EXECUTE FUNCTION run_stats_hourly_forget()`);
    await runner.query(RUN_STATS_BACKFILL_SQL);
    await runner.query("ANALYZE run_stats_hourly");
    // the covering index the aggregates scanned (1768000000000): nothing reads it now, and every run
    // insert and status change paid for it
    await runner.query('DROP INDEX "workflow_runs_stats"');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      'CREATE INDEX "workflow_runs_stats" ON "workflow_runs" ("workspace", "created_at") INCLUDE ("status", "workflow_name", "started_at", "finished_at")',
    );
    await runner.query('DROP TRIGGER "run_stats_hourly_on_delete" ON "workflow_runs"');
    await runner.query('DROP TRIGGER "run_stats_hourly_on_update" ON "workflow_runs"');
    await runner.query('DROP TRIGGER "run_stats_hourly_on_insert" ON "workflow_runs"');
    await runner.query("DROP FUNCTION run_stats_hourly_forget()");
    await runner.query("DROP FUNCTION run_stats_hourly_count()");
    await runner.query('DROP TABLE "run_stats_hourly"');
    await runner.query("DROP FUNCTION run_stats_histogram_add(jsonb, jsonb, integer)");
    await runner.query("DROP FUNCTION run_stats_bucket(timestamptz, timestamptz)");
  }
}
