import type { DataSource } from "typeorm";

/** Runs created in one hour, by status (as stored: `succeeded`, `failed`, …). */
export interface HourlyCounts {
  readonly hour: Date;
  readonly counts: ReadonlyMap<string, number>;
}

/** One workflow's runs in the window. */
export interface WorkflowStatsRow {
  readonly workflowName: string;
  readonly runs: number;
  readonly failed: number;
  readonly finished: number;
  /** Of the finished runs (started → finished), in ms; null when none finished. */
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
}

/** A failed run, newest first. */
export interface FailureRow {
  readonly id: string;
  readonly name: string;
  readonly error: { code?: string; message?: string; stepId?: string } | null;
  readonly finishedAt: Date | null;
}

/** Everything the dashboard shows, for runs created in [since, now). */
export interface RunStatsRows {
  readonly hourly: HourlyCounts[];
  readonly workflows: WorkflowStatsRow[];
  readonly runningNow: number;
  readonly failures: FailureRow[];
}

/** How many workflows the per-workflow table lists at most. */
export const MAX_WORKFLOW_STATS = 50;

/**
 * Aggregates over `workflow_runs` for the dashboard (GetRunStats). Every query is bounded by
 * `created_at >= since` and served from an index: the hourly and per-workflow figures by an
 * index-only scan of `workflow_runs_stats` (created_at, covering status, workflow name and timings;
 * migrations 1768000000000 and 1768200000000), running-now and recent failures by `workflow_runs_by_status`. Checked
 * with EXPLAIN ANALYZE on a million runs (docs/live-logs-and-dashboard.md).
 */
export class RunStats {
  constructor(private readonly dataSource: DataSource) {}

  /** The figures of `workspace`'s runs created since `since`. */
  async since(workspace: string, since: Date, failuresLimit: number): Promise<RunStatsRows> {
    const [hourly, workflows, running, failures] = await Promise.all([
      this.dataSource.query<{ hour: Date; status: string; count: string }[]>(
        `SELECT date_trunc('hour', created_at) AS hour, status, count(*) AS count
           FROM workflow_runs WHERE workspace = $2 AND created_at >= $1
          GROUP BY 1, 2 ORDER BY 1`,
        [since, workspace],
      ),
      this.dataSource.query<
        { name: string; runs: string; failed: string; finished: string; pct: (number | null)[] | null }[]
      >(
        `SELECT workflow_name AS name, count(*) AS runs,
                count(*) FILTER (WHERE status = 'failed') AS failed,
                count(finished_at) FILTER (WHERE status IN ('succeeded', 'failed', 'partially_succeeded', 'cancelled')) AS finished,
                -- one sort per workflow gives both percentiles
                percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM finished_at - started_at) * 1000)
                  FILTER (WHERE finished_at IS NOT NULL AND started_at IS NOT NULL) AS pct
           FROM workflow_runs WHERE workspace = $2 AND created_at >= $1 AND workflow_name IS NOT NULL
          GROUP BY workflow_name ORDER BY count(*) DESC, workflow_name LIMIT ${MAX_WORKFLOW_STATS}`,
        [since, workspace],
      ),
      this.dataSource.query<{ count: string }[]>(
        `SELECT count(*) AS count FROM workflow_runs WHERE workspace = $1 AND status = 'running'`,
        [workspace],
      ),
      this.dataSource.query<
        { id: string; name: string | null; error: FailureRow["error"]; finished_at: Date | null }[]
      >(
        `SELECT id, coalesce(workflow_name, mcp_name) AS name, error, finished_at
           FROM workflow_runs WHERE workspace = $3 AND status = 'failed' AND created_at >= $1
          ORDER BY created_at DESC, id DESC LIMIT $2`,
        [since, failuresLimit, workspace],
      ),
    ]);
    const byHour = new Map<number, { hour: Date; counts: Map<string, number> }>();
    for (const row of hourly) {
      const hour = new Date(row.hour);
      const entry = byHour.get(hour.getTime()) ?? { hour, counts: new Map<string, number>() };
      entry.counts.set(row.status, Number(row.count));
      byHour.set(hour.getTime(), entry);
    }
    return {
      hourly: [...byHour.values()],
      workflows: workflows.map((w) => ({
        workflowName: w.name,
        runs: Number(w.runs),
        failed: Number(w.failed),
        finished: Number(w.finished),
        p50Ms: w.pct?.[0] ?? null,
        p95Ms: w.pct?.[1] ?? null,
      })),
      runningNow: Number(running[0]?.count ?? 0),
      failures: failures.map((f) => ({
        id: f.id,
        name: f.name ?? "",
        error: f.error,
        finishedAt: f.finished_at,
      })),
    };
  }
}
