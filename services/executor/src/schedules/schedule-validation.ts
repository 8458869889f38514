import type { FieldViolation } from "@mcp/errors";
import {
  CreateScheduleRequestSchema,
  DeleteScheduleRequestSchema,
  GetScheduleRequestSchema,
  ListSchedulesRequestSchema,
  OverlapPolicy,
  PauseScheduleRequestSchema,
  ResumeScheduleRequestSchema,
  TriggerScheduleRequestSchema,
  UpdateScheduleRequestSchema,
  type CreateScheduleRequest,
  type ListSchedulesRequest,
  type PauseScheduleRequest,
  type ScheduleSpec,
  type TriggerScheduleRequest,
  type UpdateScheduleRequest,
} from "@mcp/proto/executor";
import { validationTable, type ValidationTable } from "@mcp/runtime";
import {
  checkMaxLength,
  checkMcpOneof,
  checkName,
  checkPageSize,
  checkRange,
  checkStorableText,
  violation,
} from "@mcp/validation";
import { checkCron, MAX_CRON_LENGTH, MAX_TIME_ZONE_LENGTH } from "./cron.js";
import { CATCH_UP_LIMITS, durationMs } from "./schedule-fields.js";

/** Longest schedule description and pause reason. */
const MAX_TEXT = 1000;
/** Largest page of ListSchedules. */
const MAX_PAGE = 500;

/** The ScheduleSpec fields UpdateSchedule's mask may name. */
export const UPDATE_PATHS = [
  "description",
  "workflow",
  "inputs",
  "cron",
  "time_zone",
  "overlap_policy",
  "catch_up_window",
] as const;
export type UpdatePath = (typeof UPDATE_PATHS)[number];

const checkText = (value: string, field: string) => [
  ...checkMaxLength(value, MAX_TEXT, field),
  ...checkStorableText(value, field),
];

/** The `workflow` reference: an id or a name, a version ≥ 1 when pinned. */
function checkWorkflow(spec: ScheduleSpec, base: string): FieldViolation[] {
  const field = `${base}workflow`;
  if (!spec.workflow) return [violation(field, "is required: the workflow each tick runs (id or name)")];
  return [
    ...checkMcpOneof(spec.workflow.workflow, field).map((v) => ({
      field: v.field.replace(/\.mcp$/, ".workflow"),
      description: v.description.replace("an MCP id or name", "a workflow id or name"),
    })),
    ...(spec.workflow.version !== undefined && spec.workflow.version < 1
      ? [violation(`${field}.version`, "must be at least 1")]
      : []),
  ];
}

/** The catch-up window: unset, or 1 s to 7 days. */
function checkCatchUp(spec: ScheduleSpec, base: string): FieldViolation[] {
  if (!spec.catchUpWindow) return [];
  const field = `${base}catch_up_window`;
  const ms = durationMs(spec.catchUpWindow);
  if (ms < 0) return [violation(field, "must not be negative")];
  if (ms < CATCH_UP_LIMITS.minMs || ms > CATCH_UP_LIMITS.maxMs)
    return [violation(field, "must be between 1s and 7 days (604800s); unset = 60s")];
  return [];
}

/** The spec's fields (only those in `paths` when given). */
function checkSpec(spec: ScheduleSpec, paths: ReadonlySet<UpdatePath> | undefined): FieldViolation[] {
  const base = "spec.";
  const has = (p: UpdatePath) => !paths || paths.has(p);
  const cron = has("cron") || has("time_zone");
  return [
    ...(has("description") ? checkText(spec.description, `${base}description`) : []),
    ...(has("workflow") ? checkWorkflow(spec, base) : []),
    ...(cron ? checkMaxLength(spec.cron, MAX_CRON_LENGTH, `${base}cron`) : []),
    ...(cron ? checkMaxLength(spec.timeZone, MAX_TIME_ZONE_LENGTH, `${base}time_zone`) : []),
    ...(cron && spec.cron.length <= MAX_CRON_LENGTH && spec.timeZone.length <= MAX_TIME_ZONE_LENGTH
      ? checkCron(has("cron") ? spec.cron : "* * * * *", spec.timeZone, base)
      : []),
    ...(has("overlap_policy") && !(spec.overlapPolicy in OverlapPolicy)
      ? [violation(`${base}overlap_policy`, "is not a known overlap policy")]
      : []),
    ...(has("catch_up_window") ? checkCatchUp(spec, base) : []),
  ];
}

/** The ScheduleSpec fields set in `spec` (UpdateSchedule with an empty mask changes those). */
export function setPaths(spec: ScheduleSpec): UpdatePath[] {
  const set: Record<UpdatePath, boolean> = {
    description: spec.description !== "",
    workflow: spec.workflow !== undefined,
    inputs: spec.inputs !== undefined && Object.keys(spec.inputs).length > 0,
    cron: spec.cron !== "",
    time_zone: spec.timeZone !== "",
    overlap_policy: spec.overlapPolicy !== OverlapPolicy.UNSPECIFIED,
    catch_up_window: spec.catchUpWindow !== undefined,
  };
  return UPDATE_PATHS.filter((p) => set[p]);
}

function checkUpdate(m: UpdateScheduleRequest): FieldViolation[] {
  const given = m.updateMask?.paths ?? [];
  const unknown = given.flatMap((p, i) =>
    (UPDATE_PATHS as readonly string[]).includes(p)
      ? []
      : [violation(`update_mask.paths[${i}]`, `"${p}" is not updatable; use ${UPDATE_PATHS.join(", ")}`)],
  );
  if (unknown.length > 0) return [...checkName(m.name, "name"), ...unknown];
  const spec = m.spec;
  const paths = new Set(given.length > 0 ? (given as UpdatePath[]) : spec ? setPaths(spec) : []);
  return [
    ...checkName(m.name, "name"),
    ...checkMaxLength(m.etag, 128, "etag"),
    ...(paths.size === 0
      ? [violation("spec", "names nothing to change (set fields of spec, or update_mask)")]
      : []),
    ...(spec && paths.size > 0 ? checkSpec(spec, paths) : []),
  ];
}

const nameOnly = (m: { name: string }) => checkName(m.name, "name");

/** Input rules of every ScheduleService request, run once by the validation interceptor. */
export const scheduleValidation: ValidationTable = validationTable([
  [
    CreateScheduleRequestSchema,
    (m: CreateScheduleRequest) => [
      ...checkName(m.name, "name"),
      ...(m.spec ? checkSpec(m.spec, undefined) : [violation("spec", "is required")]),
    ],
  ],
  [GetScheduleRequestSchema, nameOnly],
  [
    ListSchedulesRequestSchema,
    (m: ListSchedulesRequest) => [
      ...checkPageSize(m.pageSize),
      ...checkRange(m.pageSize, 0, MAX_PAGE, "page_size"),
      ...checkMaxLength(m.pageToken, 1024, "page_token"),
      ...(m.workflow ? checkName(m.workflow, "workflow") : []),
    ],
  ],
  [UpdateScheduleRequestSchema, checkUpdate],
  [
    PauseScheduleRequestSchema,
    (m: PauseScheduleRequest) => [...checkName(m.name, "name"), ...checkText(m.reason, "reason")],
  ],
  [ResumeScheduleRequestSchema, nameOnly],
  [
    DeleteScheduleRequestSchema,
    (m: { name: string; etag: string }) => [
      ...checkName(m.name, "name"),
      ...checkMaxLength(m.etag, 128, "etag"),
    ],
  ],
  [
    TriggerScheduleRequestSchema,
    (m: TriggerScheduleRequest) => [
      ...checkName(m.name, "name"),
      ...checkMaxLength(m.requestId, 200, "request_id"),
    ],
  ],
]);
