import type { StepRunEntity } from "@mcp/db";
import type { Step } from "@mcp/proto/workflows";
import { waitKindOf } from "../engine/waiting.js";

/**
 * What a run's step row says from the start about a step that waits (engine/waiting.ts): its kind,
 * the signal it waits for, an approval's prompt (a decision made before the step waits is added to
 * it). An MCP step is `kind = 'mcp'`, a sub-workflow step `kind = 'workflow'`.
 */
export function waitColumns(step: Step): Pick<StepRunEntity, "kind" | "signal" | "approval"> {
  const kind = waitKindOf(step);
  return {
    kind: kind ?? (step.workflow ? "workflow" : "mcp"),
    signal: step.waitForSignal ? step.waitForSignal.signal : null,
    approval: step.approval ? { prompt: step.approval.prompt } : null,
  };
}

/** Whether the step calls an MCP (and so has one pinned when its run starts); a sub-workflow does not. */
export function callsMcp(step: Step): boolean {
  return waitKindOf(step) === undefined && step.workflow === undefined;
}
