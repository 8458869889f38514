import { randomUUID } from "node:crypto";
import { fromJson, toJson } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  AlreadyExistsError,
  ConflictError,
  InvalidArgumentError,
  NotFoundError,
  type FieldViolation,
} from "@mcp/errors";
import type { ScheduleChange, ScheduleEntity, ScheduleStore, ScheduleTicks, TickWithRun } from "@mcp/db";
import type { ScheduleSpec } from "@mcp/proto/executor";
import { WorkflowReferenceSchema, type WorkflowReference } from "@mcp/proto/workflows";
import { checkEtag, etagOf } from "@mcp/versioning";
import type { Definitions } from "../definitions/definitions.js";
import { resolveInputs } from "../runs/workflow-inputs.js";
import type { JsonObject } from "../step/index.js";
import { checkCron, nextFireTime, nextFireTimes } from "./cron.js";
import { CATCH_UP_LIMITS, durationMs, policyName } from "./schedule-fields.js";
import { setPaths, type UpdatePath } from "./schedule-validation.js";

/** How many fire times GetSchedule shows, and how many ticks. */
const NEXT_FIRE_TIMES = 5;
const RECENT_TICKS = 10;

/** A schedule as GetSchedule shows it. */
export interface ScheduleView {
  readonly schedule: ScheduleEntity;
  readonly next: readonly Date[];
  readonly recent: readonly TickWithRun[];
}

/** The stored workflow reference of a schedule, as the API's WorkflowReference. */
export function workflowRefOf(schedule: ScheduleEntity): WorkflowReference {
  return fromJson(WorkflowReferenceSchema, schedule.workflowRef);
}

/**
 * The schedules themselves: each write checked against the workflow it names (it must exist, with the
 * pinned version; the inputs must fit its declared inputs) and against the cron rules, then stored
 * with a compare-and-set. The cursor (`next_fire_at`) starts at the first fire time after the write
 * that sets the expression, the time zone, or resumes the schedule.
 */
export class ScheduleBook {
  constructor(
    private readonly store: ScheduleStore,
    private readonly ticks: ScheduleTicks,
    private readonly definitions: Pick<Definitions, "current">,
  ) {}

  /** Creates a schedule in `workspace`, of a workflow of that workspace (its runs land there too). */
  async create(
    workspace: string,
    name: string,
    spec: ScheduleSpec,
    paused: boolean,
    by: string | null,
  ): Promise<ScheduleView> {
    const workflowRef = spec.workflow!;
    const { workflowName, inputs } = await this.checkWorkflow(workspace, workflowRef, spec.inputs ?? {});
    const timeZone = spec.timeZone || "UTC";
    const row = await this.store.insert({
      id: randomUUID(),
      workspace,
      name,
      description: spec.description,
      workflowRef: toJson(WorkflowReferenceSchema, workflowRef) as JsonObject,
      workflowName,
      inputs,
      cron: spec.cron,
      timeZone,
      overlapPolicy: policyName(spec.overlapPolicy),
      catchUpWindowMs: spec.catchUpWindow ? durationMs(spec.catchUpWindow) : CATCH_UP_LIMITS.defaultMs,
      paused,
      pauseReason: "",
      nextFireAt: nextFireTime(spec.cron, timeZone, new Date()),
      createdBy: by,
      updatedBy: by,
    });
    if (!row)
      throw new AlreadyExistsError(
        "schedule",
        name,
        "schedule names are unique in a workspace, case-insensitively",
      );
    return this.view(row, false);
  }

  async get(workspace: string, name: string): Promise<ScheduleView> {
    return this.view(await this.find(workspace, name), true);
  }

  async list(workspace: string, pageToken: string, pageSize: number, workflow: string) {
    return this.store.listPage(workspace, pageToken, pageSize, workflow);
  }

  /** Changes the fields `paths` names (all fields set in `spec` when empty). */
  async update(
    workspace: string,
    name: string,
    etag: string,
    paths: readonly string[],
    spec: ScheduleSpec,
    by: string | null,
  ): Promise<ScheduleView> {
    const existing = await this.find(workspace, name);
    checkEtag("schedule", name, etag, existing.rowVersion);
    const changed = new Set<UpdatePath>(paths.length > 0 ? (paths as UpdatePath[]) : setPaths(spec));
    const has = (p: UpdatePath) => changed.has(p);
    const change: ScheduleChange = { updatedBy: by };
    if (has("description")) change.description = spec.description;
    if (has("overlap_policy")) change.overlapPolicy = policyName(spec.overlapPolicy);
    if (has("catch_up_window")) {
      change.catchUpWindowMs = spec.catchUpWindow
        ? durationMs(spec.catchUpWindow)
        : CATCH_UP_LIMITS.defaultMs;
    }
    if (has("workflow") || has("inputs")) {
      const ref = has("workflow") ? spec.workflow! : workflowRefOf(existing);
      const given = has("inputs") ? (spec.inputs ?? {}) : existing.inputs;
      const checked = await this.checkWorkflow(workspace, ref, given);
      change.workflowRef = toJson(WorkflowReferenceSchema, ref) as JsonObject;
      change.workflowName = checked.workflowName;
      change.inputs = checked.inputs;
    }
    if (has("cron") || has("time_zone")) {
      const cron = has("cron") ? spec.cron : existing.cron;
      const timeZone = has("time_zone") ? spec.timeZone || "UTC" : existing.timeZone;
      const problems = checkCron(cron, timeZone, "spec.");
      if (problems.length > 0) throw new InvalidArgumentError(problems);
      change.cron = cron;
      change.timeZone = timeZone;
      change.nextFireAt = nextFireTime(cron, timeZone, new Date());
    }
    return this.view(await this.write(existing, change), false);
  }

  /** Pauses the schedule (idempotent; a new reason replaces the old one). */
  async pause(workspace: string, name: string, reason: string, by: string | null): Promise<ScheduleView> {
    const existing = await this.find(workspace, name);
    if (existing.paused && existing.pauseReason === reason) return this.view(existing, false);
    return this.view(await this.write(existing, { paused: true, pauseReason: reason, updatedBy: by }), false);
  }

  /** Resumes the schedule from its first fire time after now (idempotent). */
  async resume(workspace: string, name: string, by: string | null): Promise<ScheduleView> {
    const existing = await this.find(workspace, name);
    if (!existing.paused) return this.view(existing, false);
    const nextFireAt = nextFireTime(existing.cron, existing.timeZone, new Date());
    return this.view(
      await this.write(existing, { paused: false, pauseReason: "", nextFireAt, updatedBy: by }),
      false,
    );
  }

  async delete(workspace: string, name: string, etag: string): Promise<void> {
    const existing = await this.find(workspace, name);
    checkEtag("schedule", name, etag, existing.rowVersion);
    if (await this.store.delete(existing.id, existing.rowVersion)) return;
    const current = await this.store.byId(existing.id);
    if (!current) throw new NotFoundError("schedule", name, "it was deleted meanwhile");
    throw new ConflictError(
      "schedule",
      name,
      etag || etagOf(existing.rowVersion),
      etagOf(current.rowVersion),
    );
  }

  /** The schedule of `workspace` named `name`; NOT_FOUND when there is none. */
  async find(workspace: string, name: string): Promise<ScheduleEntity> {
    const row = await this.store.get(workspace, name);
    if (!row) throw new NotFoundError("schedule", name);
    return row;
  }

  private async write(existing: ScheduleEntity, change: ScheduleChange): Promise<ScheduleEntity> {
    const row = await this.store.compareAndSet(existing.id, existing.rowVersion, change);
    if (row) return row;
    const current = await this.store.byId(existing.id);
    if (!current) throw new NotFoundError("schedule", existing.name, "it was deleted meanwhile");
    throw new ConflictError(
      "schedule",
      existing.name,
      etagOf(existing.rowVersion),
      etagOf(current.rowVersion),
    );
  }

  private async view(schedule: ScheduleEntity, withTicks: boolean): Promise<ScheduleView> {
    const next =
      schedule.paused || !schedule.nextFireAt
        ? []
        : [
            schedule.nextFireAt,
            ...nextFireTimes(schedule.cron, schedule.timeZone, schedule.nextFireAt, NEXT_FIRE_TIMES - 1),
          ];
    const recent = withTicks ? await this.ticks.recent(schedule.id, RECENT_TICKS) : [];
    return { schedule, next, recent };
  }

  /**
   * The workflow a schedule names must exist (with the pinned version) and take its inputs: NOT_FOUND
   * naming `spec.workflow`, or INVALID_ARGUMENT naming each `spec.inputs.<name>`.
   */
  private async checkWorkflow(
    workspace: string,
    ref: WorkflowReference,
    given: JsonObject,
  ): Promise<{ workflowName: string; inputs: JsonObject }> {
    let workflow;
    try {
      workflow = await (await this.definitions.current(workspace)).workflow(ref);
    } catch (err) {
      if (err instanceof NotFoundError || (err instanceof ConnectError && err.code === Code.NotFound)) {
        const what =
          ref.version !== undefined ? `${ref.workflow.value} version ${ref.version}` : ref.workflow.value;
        throw new NotFoundError(
          "workflow",
          String(what ?? ""),
          "spec.workflow must name an existing workflow (and version); create it first",
        ).about("spec.workflow");
      }
      throw err;
    }
    try {
      // the defaults are filled in when a tick starts its run, from the version it runs
      resolveInputs(workflow.spec, given);
    } catch (err) {
      if (err instanceof InvalidArgumentError) {
        throw new InvalidArgumentError(
          err.violations.map((v): FieldViolation => ({ ...v, field: `spec.${v.field}` })),
        );
      }
      throw err;
    }
    return { workflowName: workflow.name, inputs: given };
  }
}
