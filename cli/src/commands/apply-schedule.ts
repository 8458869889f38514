import { toJson } from "@bufbuild/protobuf";
import { OverlapPolicy, type Schedule, type ScheduleSpec } from "@mcp/proto/executor";
import { WorkflowReferenceSchema } from "@mcp/proto/workflows";
import { call, type Context } from "../context.js";
import { isNotFound } from "../errors.js";
import type { Resource } from "../manifest.js";
import type { ApplyOutcome } from "./apply.js";

/** Every spec field: apply makes the schedule exactly what the manifest says. */
const SCHEDULE_MASK = [
  "description",
  "workflow",
  "inputs",
  "cron",
  "time_zone",
  "overlap_policy",
  "catch_up_window",
];

type ScheduleResource = Extract<Resource, { kind: "Schedule" }>;

const json = <T>(value: T | undefined, toJ: (v: T) => unknown) => JSON.stringify(value ? toJ(value) : null);

/** True when the schedule already is what `spec` says (unset time zone and catch-up = their defaults). */
function sameSpec(s: Schedule, spec: ScheduleSpec): boolean {
  return (
    s.description === spec.description &&
    s.cron === spec.cron &&
    s.timeZone === (spec.timeZone || "UTC") &&
    (spec.overlapPolicy === OverlapPolicy.UNSPECIFIED
      ? s.overlapPolicy === OverlapPolicy.SKIP
      : s.overlapPolicy === spec.overlapPolicy) &&
    Number(s.catchUpWindow?.seconds ?? 0) ===
      (spec.catchUpWindow ? Number(spec.catchUpWindow.seconds) : 60) &&
    json(s.workflow, (w) => toJson(WorkflowReferenceSchema, w)) ===
      json(spec.workflow, (w) => toJson(WorkflowReferenceSchema, w)) &&
    JSON.stringify(s.inputs ?? {}) === JSON.stringify(spec.inputs ?? {})
  );
}

/**
 * Creates the schedule, or makes the existing one what the manifest says (every spec field, and
 * paused or not); `unchanged` when it already was.
 */
export async function applySchedule(ctx: Context, r: ScheduleResource): Promise<{ outcome: ApplyOutcome }> {
  const schedules = ctx.clients.schedules;
  const current = await call(ctx, "executor", async () => {
    try {
      return (await schedules.getSchedule({ name: r.name })).schedule;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  });
  if (!current) {
    await call(ctx, "executor", () => schedules.createSchedule(r.request));
    return { outcome: "created" };
  }
  const spec = r.request.spec ?? ({} as ScheduleSpec);
  let changed = false;
  if (!sameSpec(current, spec)) {
    await call(ctx, "executor", () =>
      schedules.updateSchedule({
        name: r.name,
        etag: current.etag,
        spec,
        updateMask: { paths: SCHEDULE_MASK },
      }),
    );
    changed = true;
  }
  if (current.paused !== r.request.paused) {
    await call(ctx, "executor", async () => {
      if (r.request.paused) await schedules.pauseSchedule({ name: r.name });
      else await schedules.resumeSchedule({ name: r.name });
    });
    changed = true;
  }
  return { outcome: changed ? "updated" : "unchanged" };
}
