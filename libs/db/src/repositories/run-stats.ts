import type { DataSource } from "typeorm";
import { mergeHistograms, percentileOf } from "./duration-histogram.js";
import { HOURLY_STATS_SQL, WORKFLOW_STATS_SQL } from "./run-stats-sql.js";

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
  /**
   * Of the finished runs (started → finished), in ms, from the rollup's histogram (within 4.43 % + 0.5 ms
   * of the exact `percentile_cont`); null when none finished.
   */
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
 * The dashboard's figures (GetRunStats). Finished runs are read from the rollup `run_stats_hourly`
 * (counts per workspace, hour created, workflow and final status, with a duration histogram, kept by triggers on
 * `workflow_runs`: docs/adr/027-run-stats-rollup.md), so a week costs its hours, not its runs; the
 * live ones (pending, running), running-now and recent failures from `workflow_runs_by_status`.
 * p50/p95 come from the duration histogram, within 4.43 % (+0.5 ms) of the exact values (duration-histogram.ts).
 */
export class RunStats {
  constructor(private readonly dataSource: DataSource) {}

  /** The figures of `workspace`'s runs created since `since`, which must be on the hour (UTC). */
  async since(workspace: string, since: Date, failuresLimit: number): Promise<RunStatsRows> {
    if (since.getTime() % 3_600_000 !== 0)
      throw new RangeError(`since must be on the hour, got ${since.toISOString()}`);
    const [hourly, workflows, running, failures] = await Promise.all([
      this.dataSource.query<{ hour: Date; status: string; count: string }[]>(HOURLY_STATS_SQL, [
        workspace,
        since,
      ]),
      this.dataSource.query<
        {
          name: string;
          runs: string;
          failed: string;
          finished: string;
          histograms: Record<string, number>[];
        }[]
      >(WORKFLOW_STATS_SQL, [workspace, since, MAX_WORKFLOW_STATS]),
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
      workflows: workflows.map((w) => {
        const { buckets, counts } = mergeHistograms(w.histograms);
        return {
          workflowName: w.name,
          runs: Number(w.runs),
          failed: Number(w.failed),
          finished: Number(w.finished),
          p50Ms: percentileOf(buckets, counts, 0.5),
          p95Ms: percentileOf(buckets, counts, 0.95),
        };
      }),
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
