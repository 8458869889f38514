/**
 * GetRunStats' queries over the rollup `run_stats_hourly` (migration 1768800000000, which owns its
 * table, triggers and bucket function; docs/adr/027-run-stats-rollup.md). Exported for the benchmark,
 * which EXPLAINs them.
 */

/** The statuses of a run that has not ended: read from `workflow_runs` itself (`workflow_runs_by_status`). */
export const LIVE_STATUSES = "('pending', 'running')";

/** A run's hour, as the rollup's triggers compute it: the UTC hour it was created in. */
const hourOf = (createdAt: string) => `date_trunc('hour', ${createdAt}, 'UTC')`;

/**
 * Per-workflow figures of `$1`'s runs created since `$2` (on the hour): the finished ones from the
 * rollup, the live ones (few: pending and running) from `workflow_runs`; the `$3` workflows with the
 * most runs, each with the duration histograms of its rollup rows in the window (a jsonb array of
 * bucket → count objects: summed by the caller with `mergeHistograms`, which is cheaper than
 * expanding them in SQL).
 */
export const WORKFLOW_STATS_SQL = `
  WITH rollup AS (
    SELECT workflow_name, status, runs, histogram FROM run_stats_hourly
     WHERE workspace = $1 AND hour >= $2 AND workflow_name <> ''
  ), top AS (
    SELECT workflow_name, sum(runs) AS runs, sum(failed) AS failed, sum(finished) AS finished
      FROM (SELECT workflow_name, runs, CASE WHEN status = 'failed' THEN runs ELSE 0 END AS failed,
                   runs - COALESCE((histogram->>'-2')::int, 0) AS finished
              FROM rollup
            UNION ALL
            SELECT workflow_name, 1, 0, 0 FROM workflow_runs
             WHERE workspace = $1 AND status IN ${LIVE_STATUSES} AND created_at >= $2 AND workflow_name IS NOT NULL
           ) counted
     GROUP BY workflow_name
     ORDER BY sum(runs) DESC, workflow_name LIMIT $3
  )
  SELECT t.workflow_name AS name, t.runs::bigint AS runs, t.failed::bigint AS failed,
         t.finished::bigint AS finished,
         (SELECT COALESCE(jsonb_agg(r.histogram), '[]'::jsonb) FROM rollup r
           WHERE r.workflow_name = t.workflow_name) AS histograms
    FROM top t
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
