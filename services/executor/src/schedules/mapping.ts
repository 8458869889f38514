import { create } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ScheduleEntity, ScheduleTickEntity, TickWithRun } from "@mcp/db";
import {
  RunStatus,
  ScheduleSchema,
  ScheduleTickSchema,
  TickOutcome,
  type Schedule,
  type ScheduleTick,
} from "@mcp/proto/executor";
import { etagOf } from "@mcp/versioning";
import { runStatusOf } from "../runs/mapping.js";
import type { ScheduleView } from "./schedule-book.js";
import { workflowRefOf } from "./schedule-book.js";
import { policyOf } from "./schedule-fields.js";

const OUTCOMES: Record<string, TickOutcome> = {
  pending: TickOutcome.PENDING,
  started: TickOutcome.STARTED,
  skipped: TickOutcome.SKIPPED,
  buffered: TickOutcome.BUFFERED,
  failed: TickOutcome.FAILED,
};

/** A schedule as the API returns it; `view` adds the next fire times and the latest ticks. */
export function toSchedule(row: ScheduleEntity, view?: Omit<ScheduleView, "schedule">): Schedule {
  return create(ScheduleSchema, {
    id: row.id,
    name: row.name,
    description: row.description,
    workflow: workflowRefOf(row),
    inputs: row.inputs,
    cron: row.cron,
    timeZone: row.timeZone,
    overlapPolicy: policyOf(row.overlapPolicy),
    catchUpWindow: durationFromMs(row.catchUpWindowMs),
    paused: row.paused,
    pauseReason: row.pauseReason,
    etag: etagOf(row.rowVersion),
    createTime: timestampFromDate(row.createdAt),
    updateTime: timestampFromDate(row.updatedAt),
    createdBy: row.createdBy ?? "",
    updatedBy: row.updatedBy ?? "",
    missedTicks: BigInt(row.missedTicks),
    nextFireTimes: (view?.next ?? []).map((d) => timestampFromDate(d)),
    recentTicks: (view?.recent ?? []).map((t) => toTick(t)),
  });
}

/** A tick as the API returns it (with its run's status when known). */
export function toTick(tick: ScheduleTickEntity | TickWithRun): ScheduleTick {
  const runStatus =
    "runStatus" in tick && tick.runStatus ? runStatusOf(tick.runStatus) : RunStatus.UNSPECIFIED;
  return create(ScheduleTickSchema, {
    tickTime: timestampFromDate(tick.tickAt),
    manual: tick.kind === "manual",
    outcome: OUTCOMES[tick.outcome] ?? TickOutcome.UNSPECIFIED,
    runId: tick.runId ?? "",
    runStatus,
    reason: tick.reason,
    recordTime: timestampFromDate(tick.recordedAt),
  });
}
