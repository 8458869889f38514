import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { RunStatsRows } from "@mcp/db";
import {
  GetRunStatsResponseSchema,
  RunStatus,
  HourlyRunCountsSchema,
  type GetRunStatsResponse,
} from "@mcp/proto/executor";

/** Defaults of GetRunStats (its limits are checked in validation.ts). */
export const DEFAULT_WINDOW_HOURS = 24;
export const DEFAULT_FAILURES_LIMIT = 10;

const STATUS: Readonly<Record<string, RunStatus>> = {
  pending: RunStatus.PENDING,
  running: RunStatus.RUNNING,
  succeeded: RunStatus.SUCCEEDED,
  failed: RunStatus.FAILED,
  partially_succeeded: RunStatus.PARTIALLY_SUCCEEDED,
  cancelled: RunStatus.CANCELLED,
};

/** Where the figures come from (libs/db RunStats). */
export interface RunStatsSource {
  since(workspace: string, since: Date, failuresLimit: number): Promise<RunStatsRows>;
}

/**
 * The dashboard's figures (GetRunStats) for `workspace`'s runs created in the last `windowHours` (0 = 24),
 * the window starting on the hour so every bucket is a whole hour.
 */
export async function runStats(
  source: RunStatsSource,
  workspace: string,
  req: { windowHours: number; recentFailuresLimit: number },
  now: Date = new Date(),
): Promise<GetRunStatsResponse> {
  const hours = req.windowHours || DEFAULT_WINDOW_HOURS;
  const start = new Date(now.getTime() - hours * 3_600_000);
  start.setUTCMinutes(0, 0, 0);
  const rows = await source.since(workspace, start, req.recentFailuresLimit || DEFAULT_FAILURES_LIMIT);
  return create(GetRunStatsResponseSchema, {
    windowStart: timestampFromDate(start),
    hourly: rows.hourly.map((h) =>
      create(HourlyRunCountsSchema, {
        hour: timestampFromDate(h.hour),
        counts: [...h.counts].map(([status, count]) => ({
          status: STATUS[status] ?? RunStatus.UNSPECIFIED,
          count: BigInt(count),
        })),
      }),
    ),
    workflows: rows.workflows.map((w) => ({
      workflowName: w.workflowName,
      runs: BigInt(w.runs),
      failed: BigInt(w.failed),
      finished: BigInt(w.finished),
      failureRate: w.finished === 0 ? 0 : w.failed / w.finished,
      p50DurationMs: w.p50Ms ?? 0,
      p95DurationMs: w.p95Ms ?? 0,
    })),
    runningNow: BigInt(rows.runningNow),
    recentFailures: rows.failures.map((f) => ({
      runId: f.id,
      name: f.name,
      error: {
        code: f.error?.code ?? "",
        message: f.error?.message ?? "",
        stepId: f.error?.stepId ?? "",
      },
      ...(f.finishedAt ? { finishedAt: timestampFromDate(new Date(f.finishedAt)) } : {}),
    })),
  });
}
