import type { RunPermits, RunQueries, StepRunEntity, WorkflowRunEntity } from "@mcp/db";
import { isQueuedByKey } from "./mapping.js";

/**
 * `WorkflowRun.concurrency_wait`: why a run, or some of its steps, are held by a concurrency limit
 * (ADR 018), for people — queued behind an earlier run of its concurrency key, or steps WAITING for a
 * permit of an MCP's `max_concurrency` (with their place in its queue). Empty when nothing is held.
 * Reads the database only for a queued run or one with a waiting MCP step.
 */
export async function concurrencyWait(
  run: WorkflowRunEntity,
  steps: readonly StepRunEntity[],
  queries: Pick<RunQueries, "holderOfKey">,
  permits: Pick<RunPermits, "waitsOf"> | undefined,
): Promise<string> {
  if (isQueuedByKey(run) && run.workflowId !== null && run.concurrencyKey !== null) {
    const holder = await queries.holderOfKey(run.workflowId, run.concurrencyKey);
    const behind = holder ? `run ${holder}` : "an earlier run";
    return `queued: ${behind} of concurrency key "${run.concurrencyKey}" has not finished`;
  }
  const waitingMcpStep = steps.some(
    (s) => s.status === "waiting" && (s.kind === null || s.kind === "mcp") && s.mcpId !== null,
  );
  // for_each items queued while other items of their step run (the step running; parked, it is WAITING)
  const itemsRunning = steps.some(
    (s) => s.parentStepRunId === null && s.itemCount !== null && s.status === "running",
  );
  if (!permits || (!waitingMcpStep && !itemsRunning)) return "";
  const waits = await permits.waitsOf(run.id);
  return waits
    .map(
      (w) =>
        `step "${w.stepKey}" waits for a permit of MCP "${w.mcpName}" (max_concurrency ${w.maxConcurrency}; ${w.ahead} ahead)`,
    )
    .join("; ");
}
