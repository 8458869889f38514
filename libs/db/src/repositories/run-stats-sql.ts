/**
 * GetRunStats' queries over the rollup `run_stats_hourly` (migration 1768800000000, which owns its
 * table, triggers and bucket function; docs/adr/027-run-stats-rollup.md). Exported for the benchmark,
 * which EXPLAINs them.
 */

/** The statuses a run ends in: the rollup counts exactly the runs in one of them (as its triggers do). */
export const FINAL_STATUSES = "('succeeded', 'failed', 'partially_succeeded', 'cancelled')";

/** The statuses of a run that has not ended: read from `workflow_runs` itself (`workflow_runs_by_status`). */
export const LIVE_STATUSES = "('pending', 'running')";

/** A run's hour, as the rollup's triggers compute it: the UTC hour it was created in. */
const hourOf = (createdAt: string) => `date_trunc('hour', ${createdAt}, 'UTC')`;

/**
 * Per-workflow figures of `$1`'s runs created since `$2` (on the hour): the finished ones from the
 * rollup, the live ones (few: pending and running) from `workflow_runs`; the `$3` workflows with the
 * most runs, each with its duration histogram (bucket ids ascending and their counts).
 */
export const WORKFLOW_STATS_SQL = `
  WITH cells AS (
    SELECT workflow_name, status, bucket, runs FROM run_stats_hourly
     WHERE workspace = $1 AND hour >= $2 AND workflow_name <> ''
    UNION ALL
    SELECT workflow_name, status, -2::smallint, count(*) FROM workflow_runs
     WHERE workspace = $1 AND status IN ${LIVE_STATUSES} AND created_at >= $2 AND workflow_name IS NOT NULL
     GROUP BY 1, 2
  ), per_bucket AS (
    SELECT workflow_name, bucket, sum(runs) AS runs,
           COALESCE(sum(runs) FILTER (WHERE status = 'failed'), 0) AS failed,
           COALESCE(sum(runs) FILTER (WHERE status IN ${FINAL_STATUSES}), 0) AS final
      FROM cells GROUP BY 1, 2
  ), top AS (
    SELECT workflow_name, sum(runs) AS runs, sum(failed) AS failed,
           COALESCE(sum(final) FILTER (WHERE bucket <> -2), 0) AS finished
      FROM per_bucket GROUP BY 1 HAVING sum(runs) > 0
     ORDER BY sum(runs) DESC, workflow_name LIMIT $3
  )
  SELECT t.workflow_name AS name, t.runs::bigint AS runs, t.failed::bigint AS failed,
         t.finished::bigint AS finished,
         COALESCE(array_agg(b.bucket ORDER BY b.bucket) FILTER (WHERE b.bucket >= 0 AND b.final > 0), '{}') AS buckets,
         COALESCE(array_agg(b.final::bigint ORDER BY b.bucket) FILTER (WHERE b.bucket >= 0 AND b.final > 0), '{}') AS counts
    FROM top t JOIN per_bucket b USING (workflow_name)
   GROUP BY t.workflow_name, t.runs, t.failed, t.finished
   ORDER BY t.runs DESC, t.workflow_name`;

/** Runs per hour and status of `$1`'s runs created since `$2` (on the hour): the rollup plus the live runs. */
export const HOURLY_STATS_SQL = `
  SELECT hour, status, sum(runs)::bigint AS count FROM (
    SELECT hour, status, runs FROM run_stats_hourly WHERE workspace = $1 AND hour >= $2
    UNION ALL
    SELECT ${hourOf("created_at")}, status, 1 FROM workflow_runs
     WHERE workspace = $1 AND status IN ${LIVE_STATUSES} AND created_at >= $2
  ) c
   GROUP BY 1, 2 HAVING sum(runs) > 0 ORDER BY 1, 2`;
