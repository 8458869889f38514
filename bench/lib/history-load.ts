import { RUN_STATS_BACKFILL_SQL } from "@mcp/db";
import { Client } from "pg";

/** Step rows per loaded run. */
export const STEPS_PER_RUN = 10;

/**
 * Loads `runs` finished runs of workflow `workflowId` (and `runs × 10` step rows) straight into the
 * database: one `INSERT … SELECT generate_series` per table per chunk of 100,000 runs (chunks keep
 * each statement's foreign-key check queue small). Finish times spread over the last 90 days, 10 %
 * FAILED, durations from 20 ms to ~5 minutes (97 values, log-spaced, so each hour's runs fill ~100
 * buckets of the rollup's duration histogram); ids are sequential UUIDs (`00000000-…` runs,
 * `00000001-…` steps) that no v4 id collides with. The rollup's insert trigger is off during the
 * load: call {@link backfillRollup} after it. Ends with ANALYZE, as autovacuum would after such a
 * load. Returns the wall time in ms.
 */
export async function loadHistory(
  url: string,
  workflowId: string,
  runs: number,
  onChunk: (loaded: number) => void = () => undefined,
): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const started = performance.now();
  try {
    await client.query("SET synchronous_commit = off");
    await client.query("SET statement_timeout = 0");
    await client.query("ALTER TABLE workflow_runs DISABLE TRIGGER run_stats_hourly_on_insert");
    const chunk = 100_000;
    for (let from = 1; from <= runs; from += chunk) {
      const to = Math.min(runs, from + chunk - 1);
      await client.query(
        `INSERT INTO workflow_runs (id, kind, workflow_id, workflow_name, workflow_version, status, inputs,
                                    outputs, owner, fence, created_at, started_at, finished_at, updated_at)
         SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, 'workflow', $1, 'bench-history', 1,
                CASE WHEN i % 10 = 0 THEN 'failed' ELSE 'succeeded' END, '{"x": "bench"}', '{"x": "bench"}', NULL, 1,
                t - d, t - d, t, t
           FROM generate_series($2::int, $3::int) AS i,
                LATERAL (SELECT now() - interval '90 days' + (i::float8 / $4) * interval '89 days' AS t,
                                round(20 * 2 ^ ((i % 97) * 14.0 / 97)) * interval '1 millisecond' AS d) AS at`,
        [workflowId, from, to, runs],
      );
      await client.query(
        `INSERT INTO step_runs (id, run_id, step_id, position, mcp_name, mcp_version, mcp_type, status, attempt,
                                inputs, outputs, started_at, finished_at, duration_ms, updated_at)
         SELECT ('00000001-0000-4000-8000-' || lpad(to_hex(i * ${STEPS_PER_RUN} + k), 12, '0'))::uuid,
                ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, 's' || k, k, 'bench-history', 1,
                'python_script', 'succeeded', 1, '{"x": "bench"}', '{"x": "bench"}', t, t, 5, t
           FROM generate_series($1::int, $2::int) AS i,
                generate_series(0, ${STEPS_PER_RUN - 1}) AS k,
                LATERAL (SELECT now() - interval '90 days' + (i::float8 / $3) * interval '89 days' AS t) AS at`,
        [from, to, runs],
      );
      onChunk(to);
    }
    await client.query("ANALYZE workflow_runs");
    await client.query("ANALYZE step_runs");
    return performance.now() - started;
  } finally {
    await client.query("ALTER TABLE workflow_runs ENABLE TRIGGER run_stats_hourly_on_insert");
    await client.end();
  }
}

/**
 * Empties the dashboard's rollup and fills it again from the runs with the migration's own backfill
 * (timed: what migration 1768800000000 costs on a database of that size). Returns the wall time in
 * ms and the rollup's rows after it.
 */
export async function backfillRollup(url: string): Promise<{ ms: number; rows: number }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SET statement_timeout = 0");
    const started = performance.now();
    await client.query("BEGIN");
    await client.query("LOCK TABLE workflow_runs IN SHARE ROW EXCLUSIVE MODE");
    await client.query("DELETE FROM run_stats_hourly");
    await client.query(RUN_STATS_BACKFILL_SQL);
    await client.query("COMMIT");
    await client.query("ANALYZE run_stats_hourly");
    const ms = performance.now() - started;
    const rows = await client.query<{ n: string }>("SELECT count(*) AS n FROM run_stats_hourly");
    return { ms, rows: Number(rows.rows[0]?.n ?? 0) };
  } finally {
    await client.end();
  }
}

/** How many runs {@link loadHistory} loaded into the database at `url` (0 for a fresh one). */
export async function loadedRuns(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const exists = await client.query("SELECT to_regclass('workflow_runs') IS NOT NULL AS ok");
    if (!(exists.rows[0] as { ok: boolean }).ok) return 0;
    const res = await client.query<{ n: string }>(
      "SELECT count(*) AS n FROM workflow_runs WHERE workflow_name = 'bench-history'",
    );
    return Number(res.rows[0]!.n);
  } finally {
    await client.end();
  }
}

/** The plan PostgreSQL picks for `sql` (EXPLAIN, one line per node), to show which index it uses. */
export async function planOf(url: string, sql: string, params: unknown[]): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const res = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${sql}`, params);
    return res.rows.map((r) => r["QUERY PLAN"]);
  } finally {
    await client.end();
  }
}
