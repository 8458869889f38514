import type { FieldViolation } from "@mcp/errors";
import {
  CancelRunRequestSchema,
  DecideApprovalRequestSchema,
  SignalRunRequestSchema,
  ExecuteWorkflowRequestSchema,
  GetRunRequestSchema,
  ListRunsRequestSchema,
  RerunRunRequestSchema,
  ResolveRunIdRequestSchema,
  RunMcpRequestSchema,
  RunView,
  WatchRunRequestSchema,
  GetRunStatsRequestSchema,
  TailStepLogsRequestSchema,
  type GetRunStatsRequest,
  type TailStepLogsRequest,
  type ExecuteWorkflowRequest,
  type ListRunsRequest,
  type RerunRunRequest,
  type RunMcpRequest,
  type DecideApprovalRequest,
  type SignalRunRequest,
} from "@mcp/proto/executor";
import { validationTable, type ValidationTable } from "@mcp/runtime";
import {
  checkId,
  checkLabel,
  checkMaxLength,
  checkMcpOneof,
  checkPageSize,
  checkPattern,
  checkRequired,
  checkSelector,
  SIGNAL_NAME,
  violation,
} from "@mcp/validation";
import { prefixDigits, RUN_ID_PREFIX } from "./runs/run-id-resolver.js";

/** A step id: 1-128 characters of `a-zA-Z0-9_-` (as the workflows service checks it). */
const STEP_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * What only the executor knows about a run request. Lengths and sizes (`request_id` at most 200
 * characters, `inputs` at most 1 MiB as JSON, no U+0000 anywhere) are the limit table's
 * (`@mcp/validation` request-limits, docs/limits.md), checked by the runtime's walk before these.
 */
function checkRun(m: { waitTimeoutSeconds?: number }): FieldViolation[] {
  const wait = m.waitTimeoutSeconds;
  return wait !== undefined && (wait < 1 || wait > 3600)
    ? [violation("wait_timeout_seconds", "must be between 1 and 3600")]
    : [];
}

const idOnly = (m: { id: string }) => checkId(m.id, "id");

/** Input rules of every ExecutorService request, run once by the validation interceptor. */
export const executorValidation: ValidationTable = validationTable([
  [
    ExecuteWorkflowRequestSchema,
    (m: ExecuteWorkflowRequest) => [
      ...(m.workflow
        ? checkMcpOneof(m.workflow.workflow, "workflow").map((v) => ({
            field: v.field.replace(/^workflow\.mcp$/, "workflow.workflow"),
            description: v.description.replace("an MCP id or name", "a workflow id or name"),
          }))
        : [violation("workflow", "is required")]),
      ...(m.workflow?.version !== undefined && m.workflow.version < 1
        ? [violation("workflow.version", "must be at least 1")]
        : []),
      ...checkRun(m),
    ],
  ],
  [GetRunRequestSchema, idOnly],
  [
    ResolveRunIdRequestSchema,
    (m: { prefix: string }) =>
      !m.prefix
        ? [violation("prefix", "is required")]
        : /^[0-9a-fA-F-]*$/.test(m.prefix) && RUN_ID_PREFIX.test(prefixDigits(m.prefix))
          ? []
          : [violation("prefix", "must be the start of a run id: 8-32 hex digits (hyphens allowed)")],
  ],
  [WatchRunRequestSchema, idOnly],
  [
    ListRunsRequestSchema,
    (m: ListRunsRequest) => [
      ...checkPageSize(m.pageSize),
      ...(m.filter?.parentRunId ? checkId(m.filter.parentRunId, "filter.parent_run_id") : []),
      ...(RunView[m.view] === undefined
        ? [violation("view", `unknown view ${m.view}: RUN_VIEW_BASIC (1) or RUN_VIEW_FULL (2)`)]
        : []),
    ],
  ],
  [CancelRunRequestSchema, idOnly],
  [
    SignalRunRequestSchema,
    (m: SignalRunRequest) => [
      ...checkId(m.runId, "run_id"),
      ...checkRequired(m.signal, "signal"),
      ...(m.signal ? checkPattern(m.signal, SIGNAL_NAME, "1-128 characters of a-zA-Z0-9_.-", "signal") : []),
      ...checkMaxLength(m.requestId, 200, "request_id"),
    ],
  ],
  [
    DecideApprovalRequestSchema,
    (m: DecideApprovalRequest) => [
      ...checkId(m.runId, "run_id"),
      ...checkRequired(m.stepId, "step_id"),
      ...(m.stepId ? checkPattern(m.stepId, STEP_ID, "1-128 characters of a-zA-Z0-9_-", "step_id") : []),
      ...checkMaxLength(m.comment, 2000, "comment"),
    ],
  ],
  [
    RerunRunRequestSchema,
    (m: RerunRunRequest) => [
      ...checkId(m.runId, "run_id"),
      // any text: RerunRun says what it names (a step, an item of one, nothing) and what to use instead
      ...checkMaxLength(m.fromStepId, 300, "from_step_id"),
      ...(m.resolveLabel ? checkLabel(m.resolveLabel, "resolve_label") : []),
      ...checkRun(m),
    ],
  ],
  [
    TailStepLogsRequestSchema,
    (m: TailStepLogsRequest) => [
      ...checkId(m.runId, "run_id"),
      ...checkRequired(m.stepId, "step_id"),
      // a for_each item's id (`s[3]`) or a tool call's is a step id here too
      ...checkMaxLength(m.stepId, 300, "step_id"),
    ],
  ],
  [
    GetRunStatsRequestSchema,
    (m: GetRunStatsRequest) => [
      ...(m.windowHours < 0 || m.windowHours > 168
        ? [violation("window_hours", "must be between 1 and 168 hours (0 = 24)")]
        : []),
      ...(m.recentFailuresLimit < 0 || m.recentFailuresLimit > 100
        ? [violation("recent_failures_limit", "must be between 1 and 100 (0 = 10)")]
        : []),
    ],
  ],
  [
    RunMcpRequestSchema,
    (m: RunMcpRequest) => [
      ...(m.mcp
        ? [...checkMcpOneof(m.mcp.mcp, "mcp"), ...checkSelector(m.mcp.selector, "mcp")]
        : [violation("mcp", "is required")]),
      ...checkRun(m),
    ],
  ],
]);
