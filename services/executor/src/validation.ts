import type { FieldViolation } from "@mcp/errors";
import {
  CancelRunRequestSchema,
  ExecuteWorkflowRequestSchema,
  GetRunRequestSchema,
  ListRunsRequestSchema,
  RunMcpRequestSchema,
  WatchRunRequestSchema,
  type CancelRunRequest,
  type ExecuteWorkflowRequest,
  type ListRunsRequest,
  type RunMcpRequest,
} from "@mcp/proto/executor";
import { validationTable, type ValidationTable } from "@mcp/runtime";
import {
  checkId,
  checkMaxLength,
  checkMcpOneof,
  checkPageSize,
  checkSelector,
  violation,
} from "@mcp/validation";

/** Largest inputs object accepted (serialized JSON). */
const MAX_INPUT_BYTES = 1024 * 1024;

function checkRun(m: { requestId: string; inputs?: unknown; waitTimeoutSeconds?: number }): FieldViolation[] {
  const out: FieldViolation[] = [];
  if (m.requestId.length > 200) out.push(violation("request_id", "must be at most 200 characters"));
  if (m.inputs !== undefined && Buffer.byteLength(JSON.stringify(m.inputs)) > MAX_INPUT_BYTES) {
    out.push(violation("inputs", "must be at most 1 MiB serialized"));
  }
  const wait = m.waitTimeoutSeconds;
  if (wait !== undefined && (wait < 1 || wait > 3600))
    out.push(violation("wait_timeout_seconds", "must be between 1 and 3600"));
  return out;
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
  [WatchRunRequestSchema, idOnly],
  [
    ListRunsRequestSchema,
    (m: ListRunsRequest) => [
      ...checkPageSize(m.pageSize),
      ...(m.filter?.workflow ? checkMaxLength(m.filter.workflow, 128, "filter.workflow") : []),
    ],
  ],
  [
    CancelRunRequestSchema,
    (m: CancelRunRequest) => [...checkId(m.id, "id"), ...checkMaxLength(m.reason, 2000, "reason")],
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
