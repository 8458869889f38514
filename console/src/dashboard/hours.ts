import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import { RunStatus, type HourlyRunCounts } from "@mcp/proto/executor";

/** The statuses the chart stacks, bottom to top, with their names. */
export const CHART_STATUSES: readonly { readonly status: RunStatus; readonly name: string }[] = [
  { status: RunStatus.SUCCEEDED, name: "succeeded" },
  { status: RunStatus.FAILED, name: "failed" },
  { status: RunStatus.PARTIALLY_SUCCEEDED, name: "partially succeeded" },
  { status: RunStatus.CANCELLED, name: "cancelled" },
  { status: RunStatus.RUNNING, name: "running" },
  { status: RunStatus.PENDING, name: "pending" },
];

/** One hour of the chart: its start and how many runs of each status. */
export interface HourBar {
  readonly start: Date;
  readonly counts: ReadonlyMap<RunStatus, number>;
  readonly total: number;
}

/**
 * Every hour from `windowStart` to the hour of `now`, the hours GetRunStats left out (no runs) as
 * empty bars, so the chart's axis is time.
 */
export function hourBars(
  windowStart: Timestamp | undefined,
  hourly: readonly HourlyRunCounts[],
  now: Date,
): HourBar[] {
  if (!windowStart) return [];
  const byHour = new Map<number, Map<RunStatus, number>>();
  for (const h of hourly) {
    if (!h.hour) continue;
    byHour.set(timestampDate(h.hour).getTime(), new Map(h.counts.map((c) => [c.status, Number(c.count)])));
  }
  const bars: HourBar[] = [];
  for (let t = timestampDate(windowStart).getTime(); t <= now.getTime(); t += 3_600_000) {
    const counts = byHour.get(t) ?? new Map<RunStatus, number>();
    bars.push({ start: new Date(t), counts, total: [...counts.values()].reduce((a, b) => a + b, 0) });
  }
  return bars;
}
