import { StepStatus, type StepRun } from "@mcp/proto/executor";
import { formatDuration, ms } from "../format/time";
import type { AttemptLog, AttemptRecord } from "./attempts";

/** One attempt drawn as a horizontal bar, positioned in percent of the timeline's width. */
export interface TimelineBar {
  readonly attempt: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly durationMs: number;
  /** Still running: the bar ends "now". */
  readonly running: boolean;
  /** The attempt's outcome: RETRYING means it failed and a later attempt followed. */
  readonly status: StepStatus;
  readonly leftPct: number;
  readonly widthPct: number;
  /** e.g. `1.2 s`, `attempt 2 · 850 ms`, `running 3.0 s`. */
  readonly label: string;
}

/** One step (or child step) of the run: a row of bars, indented under its parent. */
export interface TimelineRow {
  readonly step: StepRun;
  readonly depth: number;
  readonly bars: readonly TimelineBar[];
  /** Attempts before the first observed one (not seen by this page: the API keeps the latest only). */
  readonly unobservedAttempts: number;
}

export interface TimelineLayout {
  readonly rows: readonly TimelineRow[];
  readonly originMs: number;
  readonly totalMs: number;
}

/** The smallest width of a bar, in percent, so that instant attempts stay visible. */
export const MIN_BAR_PCT = 0.6;

/** Steps in display order: each top-level step followed by its children (recursively), with depths. */
export function orderSteps(steps: readonly StepRun[]): { step: StepRun; depth: number }[] {
  const ids = new Set(steps.map((s) => s.stepId));
  const children = new Map<string, StepRun[]>();
  const roots: StepRun[] = [];
  for (const s of steps) {
    if (s.parentStepId && s.parentStepId !== s.stepId && ids.has(s.parentStepId)) {
      children.set(s.parentStepId, [...(children.get(s.parentStepId) ?? []), s]);
    } else roots.push(s);
  }
  const out: { step: StepRun; depth: number }[] = [];
  const seen = new Set<string>();
  const visit = (s: StepRun, depth: number) => {
    if (seen.has(s.stepId)) return;
    seen.add(s.stepId);
    out.push({ step: s, depth });
    for (const c of children.get(s.stepId) ?? []) visit(c, depth + 1);
  };
  roots.forEach((r) => visit(r, 0));
  steps.forEach((s) => visit(s, 0)); // anything left over (a parent cycle) still gets a row
  return out;
}

/** The attempts to draw for a step: those observed, else one built from the step's own times. */
function attemptsOf(step: StepRun, log: AttemptLog): readonly AttemptRecord[] {
  const observed = (log[step.stepId] ?? []).filter((r) => r.startMs !== undefined);
  if (observed.length > 0) return observed;
  const startMs = ms(step.startTime);
  if (startMs === undefined) return [];
  return [{ attempt: Math.max(step.attempt, 1), startMs, endMs: ms(step.finishTime), status: step.status }];
}

/**
 * Lays out a Gantt chart of a run's steps: one row per step (children indented under their parent),
 * one bar per attempt, placed by start and end time between the run's start and its end (or `nowMs`
 * while it runs), each labelled with its duration.
 */
export function layoutTimeline(
  steps: readonly StepRun[],
  log: AttemptLog,
  nowMs: number,
  run: { startMs?: number | undefined; endMs?: number | undefined } = {},
): TimelineLayout {
  const ordered = orderSteps(steps).map(({ step, depth }) => ({
    step,
    depth,
    attempts: attemptsOf(step, log),
  }));
  const spans = ordered.flatMap(({ attempts }) =>
    attempts.map((a) => ({ start: a.startMs ?? nowMs, end: a.endMs ?? nowMs })),
  );
  const starts = [run.startMs, ...spans.map((s) => s.start)].filter((t): t is number => t !== undefined);
  const originMs = starts.length > 0 ? Math.min(...starts) : nowMs;
  const ends = [run.endMs, ...spans.map((s) => s.end)].filter((t): t is number => t !== undefined);
  const endMs = Math.max(originMs, ...ends);
  const totalMs = Math.max(endMs - originMs, 1);
  const pct = (t: number) => ((t - originMs) / totalMs) * 100;

  const rows = ordered.map(({ step, depth, attempts }) => {
    const many = attempts.length > 1 || (attempts[0]?.attempt ?? 1) > 1;
    const bars = attempts.map((a): TimelineBar => {
      const startMs = a.startMs ?? originMs;
      const running = a.endMs === undefined;
      const end = Math.max(a.endMs ?? nowMs, startMs);
      const durationMs = end - startMs;
      const leftPct = Math.min(pct(startMs), 100 - MIN_BAR_PCT);
      const widthPct = Math.min(Math.max(pct(end) - pct(startMs), MIN_BAR_PCT), 100 - leftPct);
      // a parked step (sleep, signal, approval) waits rather than runs
      const ongoing = a.status === StepStatus.WAITING ? "waiting" : "running";
      const time = running ? `${ongoing} ${formatDuration(durationMs)}` : formatDuration(durationMs);
      return {
        attempt: a.attempt,
        startMs,
        endMs: end,
        durationMs,
        running,
        status: a.status,
        leftPct,
        widthPct,
        label: many ? `attempt ${a.attempt} · ${time}` : time,
      };
    });
    const first = attempts[0]?.attempt ?? 1;
    return { step, depth, bars, unobservedAttempts: Math.max(first - 1, 0) };
  });
  return { rows, originMs, totalMs };
}

/** A short bar near the right end gets its label on its left, so the label stays inside the chart. */
export function labelBefore(bar: Pick<TimelineBar, "leftPct" | "widthPct">): boolean {
  return bar.widthPct < 15 && bar.leftPct + bar.widthPct > 85;
}
