import { contextOfTraceparent, type SpanSpec } from "@mcp/runtime";
import type { WorkflowRunEntity } from "@mcp/db";

type RunNames = Pick<
  WorkflowRunEntity,
  "kind" | "workflowName" | "workflowVersion" | "mcpName" | "mcpVersion"
>;

/** What the run is called in a trace: its workflow (or MCP) name. */
const nameOf = (run: RunNames) => run.workflowName ?? run.mcpName ?? "run";

function runAttributes(id: string, run: RunNames) {
  return {
    "mcp.run.id": id,
    "mcp.run.kind": run.kind,
    ...(run.workflowName ? { "mcp.workflow.name": run.workflowName } : {}),
    ...(run.workflowVersion ? { "mcp.workflow.version": run.workflowVersion } : {}),
    ...(run.mcpName ? { "mcp.name": run.mcpName } : {}),
    ...(run.mcpVersion ? { "mcp.version": run.mcpVersion } : {}),
  };
}

/**
 * The span a run is created under; its context becomes the run's stored `traceparent`, the parent of
 * every span recorded while the run is driven (by whichever executor, however often).
 */
export function runCreateSpan(id: string, run: RunNames): SpanSpec {
  return { service: "executor", name: `run.create ${nameOf(run)}`, attributes: runAttributes(id, run) };
}

/** One executor's drive of a run (one per claim: a resume after a failover is a second one), in the run's trace. */
export function runDriveSpan(run: WorkflowRunEntity): SpanSpec {
  return {
    service: "executor",
    name: `run ${nameOf(run)}`,
    parent: contextOfTraceparent(run.traceParent),
    attributes: {
      ...runAttributes(run.id, run),
      "mcp.run.fence": run.fence,
      "mcp.run.recoveries": run.recoveries,
    },
  };
}
