import { create } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { decisionOf, type ListedRun, type StepRunEntity, type WorkflowRunEntity } from "@mcp/db";
import {
  isFinalRunStatus,
  isFinalStepStatus,
  ApprovalStateSchema,
  RunErrorSchema,
  RunKind,
  RunStatus,
  StepRunSchema,
  StepKind,
  StepStatus,
  WorkflowRunSchema,
  type RunError,
  type StepRun,
  type WorkflowRun,
} from "@mcp/proto/executor";
import { rerunOf } from "./plan-codec.js";
import { traceIdOf } from "@mcp/runtime";
import { runUsageOf, toLlmUsage } from "../usage/usage-fields.js";

const RUN_STATUS: Record<string, RunStatus> = {
  pending: RunStatus.PENDING,
  running: RunStatus.RUNNING,
  succeeded: RunStatus.SUCCEEDED,
  failed: RunStatus.FAILED,
  partially_succeeded: RunStatus.PARTIALLY_SUCCEEDED,
  cancelled: RunStatus.CANCELLED,
};

const STEP_STATUS: Record<string, StepStatus> = {
  pending: StepStatus.PENDING,
  running: StepStatus.RUNNING,
  succeeded: StepStatus.SUCCEEDED,
  failed: StepStatus.FAILED,
  skipped: StepStatus.SKIPPED,
  cancelled: StepStatus.CANCELLED,
  retrying: StepStatus.RETRYING,
  waiting: StepStatus.WAITING,
};

/** Whether a step stored with `status` has ended (run.proto's final statuses): it never runs again. */
export const isFinalStepRow = (status: string): boolean =>
  isFinalStepStatus(STEP_STATUS[status] ?? StepStatus.UNSPECIFIED);

/** Stored step kind (`StepRunEntity.kind`) → API enum; null is an MCP call (rows from before kinds). */
const STEP_KIND: Record<string, StepKind> = {
  mcp: StepKind.MCP,
  sleep: StepKind.SLEEP,
  wait_for_signal: StepKind.WAIT_FOR_SIGNAL,
  approval: StepKind.APPROVAL,
  workflow: StepKind.WORKFLOW,
};

/** Stored status name → API enum. */
export const runStatusOf = (name: string): RunStatus => RUN_STATUS[name] ?? RunStatus.UNSPECIFIED;
/** Whether a run stored with `status` has ended (run.proto's final statuses). */
export const isFinalRunRow = (status: string): boolean => isFinalRunStatus(runStatusOf(status));
/** API enum → stored status name. */
export const runStatusName = (status: RunStatus): string | undefined =>
  Object.entries(RUN_STATUS).find(([, v]) => v === status)?.[0];

/** A stored `{code, message, step_id, details}` error as the API's RunError. */
export function toRunError(json: Record<string, unknown> | null): RunError | undefined {
  if (!json) return undefined;
  return create(RunErrorSchema, {
    code: typeof json["code"] === "string" ? json["code"] : "",
    message: typeof json["message"] === "string" ? json["message"] : "",
    stepId: typeof json["stepId"] === "string" ? json["stepId"] : "",
  });
}

export function toStepRun(row: StepRunEntity, parentStepId = ""): StepRun {
  return create(StepRunSchema, {
    stepId: row.stepId,
    parentStepId,
    usage: row.usage ?? undefined,
    llmUsage: toLlmUsage(row.usage),
    mcpId: row.mcpId ?? "",
    mcpName: row.mcpName ?? "",
    mcpVersion: row.mcpVersion ?? 0,
    status: STEP_STATUS[row.status] ?? StepStatus.UNSPECIFIED,
    kind: STEP_KIND[row.kind ?? "mcp"] ?? StepKind.UNSPECIFIED,
    itemIndex: row.itemIndex ?? undefined,
    itemCount: row.itemCount ?? undefined,
    childRunId: row.childRunId ?? "",
    ...waitFields(row),
    attempt: row.attempt,
    inputs: row.inputs ?? undefined,
    outputs: row.outputs ?? undefined,
    error: toRunError(row.error),
    stdout: row.stdout,
    stderr: row.stderr,
    stdoutTruncated: row.stdoutTruncated,
    stderrTruncated: row.stderrTruncated,
    startTime: row.startedAt ? timestampFromDate(row.startedAt) : undefined,
    finishTime: row.finishedAt ? timestampFromDate(row.finishedAt) : undefined,
    duration: row.durationMs !== null ? durationFromMs(row.durationMs) : undefined,
  });
}

/** What a sleep, signal or approval step waits for (engine/waiting.ts). */
function waitFields(row: StepRunEntity): Pick<StepRun, "wakeTime" | "signal" | "approval"> {
  const decision = decisionOf(row.approval);
  const prompt = row.approval?.["prompt"];
  // 'infinity' (no limit) is not a time
  const wake = row.wakeAt && Number.isFinite(row.wakeAt.getTime()) ? row.wakeAt : null;
  return {
    wakeTime: wake ? timestampFromDate(wake) : undefined,
    signal: row.signal ?? "",
    approval: row.approval
      ? create(ApprovalStateSchema, {
          prompt: typeof prompt === "string" ? prompt : "",
          decided: decision !== null,
          approved: decision?.approved ?? false,
          decidedBy: decision?.decidedBy ?? "",
          comment: decision?.comment ?? "",
          decideTime: decision ? timestampFromDate(decision.decidedAt) : undefined,
        })
      : undefined,
  };
}

/** A run (a whole row, or a listed one: `RunQueries.list`) and its steps as the API shows them. */
export function toWorkflowRun(run: ListedRun, steps: readonly StepRunEntity[] = []): WorkflowRun {
  // row id → step id, for the children's parent (a for_each step may have 10,000 items)
  const stepIds = new Map(steps.map((s) => [s.id, s.stepId]));
  return create(WorkflowRunSchema, {
    id: run.id,
    kind: run.kind === "mcp" ? RunKind.MCP : RunKind.WORKFLOW,
    workflowId: run.workflowId ?? "",
    workflowName: run.workflowName ?? "",
    workflowVersion: run.workflowVersion ?? 0,
    mcpId: run.mcpId ?? "",
    mcpName: run.mcpName ?? "",
    mcpVersion: run.mcpVersion ?? 0,
    status: runStatusOf(run.status),
    inputs: run.inputs,
    outputs: run.outputs ?? undefined,
    error: toRunError(run.error),
    requestId: run.requestId ?? "",
    steps: steps.map((s) => toStepRun(s, s.parentStepRunId ? (stepIds.get(s.parentStepRunId) ?? "") : "")),
    createTime: timestampFromDate(run.createdAt),
    startTime: run.startedAt ? timestampFromDate(run.startedAt) : undefined,
    finishTime: run.finishedAt ? timestampFromDate(run.finishedAt) : undefined,
    fallbackRunId: run.fallbackRunId ?? "",
    parentRunId: run.parentRunId ?? "",
    parentStepId: run.parentStepId ?? "",
    triggerName: run.triggerName ?? "",
    triggerDeliveryId: run.triggerDeliveryId ?? "",
    ...rerunFields(run),
    scheduleId: run.scheduleId ?? "",
    scheduleTickTime: run.scheduleTickAt ? timestampFromDate(run.scheduleTickAt) : undefined,
    concurrencyKey: run.concurrencyKey ?? "",
    traceId: traceIdOf(run.traceParent) ?? "",
    ...runUsageOf(steps.map((s) => s.usage)),
    workspace: run.workspace,
  });
}

/** A re-run's link to the run it re-runs (from its stored plan). */
function rerunFields(
  run: ListedRun,
): Pick<WorkflowRun, "rerunOfRunId" | "rerunFromStepId" | "reusedStepIds"> {
  const rerun = rerunOf(run.plan);
  return {
    rerunOfRunId: rerun?.ofRunId ?? "",
    rerunFromStepId: rerun?.fromStepId ?? "",
    reusedStepIds: [...(rerun?.reusedStepIds ?? [])],
  };
}

/** Whether the run is queued behind an earlier run of its concurrency key (migration 1767800000000). */
export function isQueuedByKey(run: WorkflowRunEntity): boolean {
  return run.concurrencyKey !== null && run.status === "pending" && isInfinity(run.wakeAt);
}

/** PostgreSQL's 'infinity' as a row read it back: an invalid or infinite Date, Infinity, or the text. */
function isInfinity(value: unknown): boolean {
  if (value instanceof Date) return !Number.isFinite(value.getTime());
  return value === Infinity || value === "infinity";
}

/** Terminal run statuses. */
export const FINISHED = new Set(["succeeded", "failed", "partially_succeeded", "cancelled"]);
