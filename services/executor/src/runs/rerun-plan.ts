import type { StepRunEntity, WorkflowRunEntity } from "@mcp/db";
import { FailedPreconditionError } from "@mcp/errors";
import { create } from "@bufbuild/protobuf";
import { McpReferenceSchema } from "@mcp/proto/registry";
import type { Resolver } from "../definitions/definitions.js";
import type { PinnedMcp } from "../step/index.js";
import { decodePlan, type PlanParts } from "./plan-codec.js";
import { selectRerun } from "./rerun-selection.js";
import { FINISHED } from "./mapping.js";

/** A re-run's plan and what its step rows start from. */
export interface RerunPlan {
  /** The old run's spec and pins, except that with a label a re-run step's MCP is the label's version now. */
  readonly parts: PlanParts;
  /** Old top-level rows of the steps taken over, by step id. */
  readonly reused: ReadonlyMap<string, StepRunEntity>;
}

/**
 * Plans the re-run of `old` (with its step rows) from `fromStepId`: the same workflow spec, inputs
 * and pins (so the re-run runs what the old run ran), except that with `resolveLabel` every step
 * that runs again calls the version its MCP's label points at now (an assistant's tools are pinned
 * anew from that version's config). Only a finished run can be re-run.
 */
export async function planRerun(
  defs: Resolver,
  old: WorkflowRunEntity,
  oldRows: readonly StepRunEntity[],
  fromStepId: string,
  resolveLabel: string,
): Promise<RerunPlan> {
  if (!FINISHED.has(old.status)) {
    throw new FailedPreconditionError(
      `run ${old.id} is ${old.status}: only a finished run can be re-run (wait for it, or cancel it first)`,
      "RUN_NOT_FINISHED",
      { run_id: old.id, status: old.status },
    ).about("run_id");
  }
  const decoded = decodePlan(old);
  const selection = selectRerun(decoded.plan.spec.steps, oldRows, fromStepId);
  const mcps = new Map(decoded.plan.mcps);
  const tools = new Map(decoded.tools);
  if (resolveLabel) {
    for (const stepId of selection.rerun) {
      const pinned = mcps.get(stepId);
      if (!pinned) continue; // sleep, signal, approval and sub-workflow steps call no MCP
      const now = await relabel(defs, pinned, stepId, resolveLabel);
      mcps.set(stepId, now);
      if (now.config.kind.case === "aiAssistant") {
        tools.set(stepId, await Promise.all(now.config.kind.value.tools.map((ref) => defs.mcp(ref, stepId))));
      }
    }
  }
  const reused = new Map(selection.reused.map((row) => [row.stepId, row]));
  const rerun = { ofRunId: old.id, fromStepId, reusedStepIds: [...reused.keys()] };
  return { parts: { spec: decoded.plan.spec, mcps, tools, rerun }, reused };
}

/** The version of the step's MCP that `label` points at now; FAILED_PRECONDITION naming the MCP if none. */
async function relabel(defs: Resolver, pinned: PinnedMcp, stepId: string, label: string): Promise<PinnedMcp> {
  const ref = create(McpReferenceSchema, {
    mcp: { case: "id", value: pinned.id },
    selector: { case: "label", value: label },
  });
  try {
    return await defs.mcp(ref, stepId);
  } catch (err) {
    if (err instanceof FailedPreconditionError && err.reason === "MCP_NOT_RESOLVED") {
      throw new FailedPreconditionError(
        `MCP "${pinned.name}" (step "${stepId}") has no "${label}" label: point it at a version (SetMcpLabel), or re-run with the pinned versions (registry: ${err.message})`,
        "MCP_NOT_RESOLVED",
        { step: stepId, mcp: pinned.name, label },
      ).about("resolve_label");
    }
    throw err;
  }
}
