import { Cron } from "croner";
import type { FieldViolation } from "@mcp/errors";
import type { DueTicks, ScheduleEntity } from "@mcp/db";

/** Longest cron expression accepted. */
export const MAX_CRON_LENGTH = 256;
/** Longest time zone name accepted. */
export const MAX_TIME_ZONE_LENGTH = 64;
/** Most ticks one schedule records in one pass; later ones wait for the next pass. */
export const MAX_TICKS_PER_PASS = 100;
/** Most missed ticks counted one by one in a pass; past that the cursor jumps to the window. */
const MAX_MISSED_COUNTED = 10_000;

/** The expression read in `timeZone` (croner; never started: it only computes fire times). */
export function cronOf(expression: string, timeZone: string): Cron {
  return new Cron(expression, { timezone: timeZone || "UTC", paused: true });
}

/** The time zone's problem, or undefined when it is an IANA zone this runtime knows. */
function timeZoneProblem(timeZone: string): string | undefined {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return undefined;
  } catch {
    return `"${timeZone}" is not an IANA time zone (e.g. UTC, Europe/Berlin, America/New_York)`;
  }
}

/**
 * What is wrong with an expression and a time zone (field paths under `base`), as people can act on:
 * croner's parse error, an unknown zone, an expression that never fires.
 */
export function checkCron(expression: string, timeZone: string, base: string): FieldViolation[] {
  const cronField = `${base}cron`;
  const zoneField = `${base}time_zone`;
  const out: FieldViolation[] = [];
  if (timeZone !== "") {
    const problem = timeZoneProblem(timeZone);
    if (problem) out.push({ field: zoneField, description: problem });
  }
  if (expression.trim() === "") return [{ field: cronField, description: "is required" }, ...out];
  if (out.length > 0) return out;
  try {
    if (cronOf(expression, timeZone).nextRun() === null) {
      out.push({ field: cronField, description: `"${expression}" never fires` });
    }
  } catch (err) {
    const message = err instanceof Error ? err.message.replace(/^CronPattern: /, "") : String(err);
    out.push({
      field: cronField,
      description: `is not a valid cron expression: ${message} (5 fields "min hour day month weekday", or 6 with seconds first)`,
    });
  }
  return out;
}

/** The next `count` fire times after `after`. */
export function nextFireTimes(expression: string, timeZone: string, after: Date, count: number): Date[] {
  return cronOf(expression, timeZone).nextRuns(count, after);
}

/** The first fire time after `after`, or null when the expression fires no more. */
export function nextFireTime(expression: string, timeZone: string, after: Date): Date | null {
  return cronOf(expression, timeZone).nextRun(after);
}

/**
 * A due schedule's ticks as of `now`, from its cursor (`next_fire_at`, the first tick not yet
 * recorded): those older than the catch-up window are passed over and counted as missed; the others up
 * to `now` are recorded, at most {@link MAX_TICKS_PER_PASS} (the rest in the next pass).
 */
export function dueTicks(schedule: ScheduleEntity, now: Date): DueTicks {
  const cron = cronOf(schedule.cron, schedule.timeZone);
  const oldest = now.getTime() - schedule.catchUpWindowMs;
  let tick: Date | null = schedule.nextFireAt;
  let missed = 0;
  while (tick && tick.getTime() < oldest && missed < MAX_MISSED_COUNTED) {
    missed++;
    tick = cron.nextRun(tick);
  }
  // still before the window after counting that many: jump to the window
  if (tick && tick.getTime() < oldest) tick = cron.nextRun(new Date(oldest - 1));
  const ticks: Date[] = [];
  while (tick && tick.getTime() <= now.getTime() && ticks.length < MAX_TICKS_PER_PASS) {
    ticks.push(tick);
    tick = cron.nextRun(tick);
  }
  return { ticks, next: tick, missed };
}
