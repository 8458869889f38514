import { fromJson, toJson, type JsonObject as PbJsonObject } from "@bufbuild/protobuf";
import { McpConfigSchema } from "@mcp/proto/registry";
import { WorkflowSpecSchema, type WorkflowSpec } from "@mcp/proto/workflows";
import type { RunPlan } from "../engine/types.js";
import type { JsonObject, PinnedMcp } from "../step/index.js";

/** The id of the only step of a single-MCP run. */
export const MCP_RUN_STEP_ID = "mcp";

/** A pinned MCP as stored (its config in Protobuf JSON). */
type StoredMcp = Omit<PinnedMcp, "config"> & { config: PbJsonObject };

/** The plan as stored in `workflow_runs.plan` (Protobuf JSON for the messages). */
export interface StoredPlan {
  readonly spec: PbJsonObject;
  readonly mcps: Record<string, StoredMcp>;
  /** Step id → the MCPs an ai_assistant step may call as tools, pinned at start. */
  readonly tools?: Record<string, StoredMcp[]>;
  /** Fingerprint of the request (reference + inputs), to tell a retry from a different request with the same key. */
  readonly requestHash: string;
  /** Set on a run made by RerunRun (rerun-plan.ts). */
  readonly rerun?: StoredRerun;
}

/** What a re-run run records of its origin. */
export interface StoredRerun {
  /** The run it re-runs. */
  readonly ofRunId: string;
  /** The step it re-ran from; "" = every step. */
  readonly fromStepId: string;
  /** The steps whose rows were taken over from the old run at creation (never run here). */
  readonly reusedStepIds: readonly string[];
}

const encodeMcp = (m: PinnedMcp): StoredMcp => ({
  ...m,
  config: toJson(McpConfigSchema, m.config) as PbJsonObject,
});
const decodeMcp = (m: StoredMcp): PinnedMcp => ({ ...m, config: fromJson(McpConfigSchema, m.config) });

/**
 * A run's plan as pinned when it is created: the messages themselves, before {@link encodePlan}
 * stores them. The executor that creates a run drives it from these (see {@link runPlanOf}) rather
 * than decoding the JSON it has just stored.
 */
export interface PlanParts {
  readonly spec: WorkflowSpec;
  /** Step id → the MCP it calls. */
  readonly mcps: ReadonlyMap<string, PinnedMcp>;
  /** Step id → the MCPs an ai_assistant step may call as tools. */
  readonly tools: ReadonlyMap<string, readonly PinnedMcp[]>;
  readonly rerun?: StoredRerun;
}

/** The plan as `workflow_runs.plan` stores it. */
export function encodePlan(parts: PlanParts, requestHash: string): StoredPlan {
  const { spec, mcps, tools, rerun } = parts;
  return {
    spec: toJson(WorkflowSpecSchema, spec) as PbJsonObject,
    mcps: Object.fromEntries([...mcps].map(([stepId, m]) => [stepId, encodeMcp(m)])),
    tools: Object.fromEntries([...tools].map(([stepId, list]) => [stepId, list.map(encodeMcp)])),
    requestHash,
    ...(rerun ? { rerun } : {}),
  };
}

/**
 * What the driver runs for `run` from its plan's parts: with the run's inputs as stored (and as a
 * resume reads them), not as given.
 */
export function runPlanOf(
  parts: PlanParts,
  run: { readonly id: string; readonly inputs: JsonObject },
): DecodedPlan {
  return {
    plan: { runId: run.id, spec: parts.spec, mcps: parts.mcps, inputs: run.inputs },
    tools: parts.tools,
    recordedAtCreate: (parts.rerun?.reusedStepIds.length ?? 0) > 0,
  };
}

/**
 * What the driver runs, once per run: the engine's plan and each assistant step's tools, from the
 * parts of a run created here ({@link runPlanOf}) or decoded from a claimed run's stored plan.
 */
export interface DecodedPlan {
  readonly plan: RunPlan;
  /** The pinned tools of each ai_assistant step. */
  readonly tools: ReadonlyMap<string, readonly PinnedMcp[]>;
  /** Whether steps were recorded when the run was created (a re-run's reused steps). */
  readonly recordedAtCreate: boolean;
}

/** The re-run origin a stored plan records, if any. */
export const rerunOf = (plan: unknown): StoredRerun | undefined => (plan as StoredPlan | null)?.rerun;

/** Decodes `run.plan` (as {@link encodePlan} stored it) with the run's inputs. */
export function decodePlan(run: {
  readonly id: string;
  readonly plan: unknown;
  readonly inputs: JsonObject;
}): DecodedPlan {
  const stored = run.plan as StoredPlan;
  const parts: PlanParts = {
    spec: fromJson(WorkflowSpecSchema, stored.spec),
    mcps: new Map(Object.entries(stored.mcps).map(([stepId, m]) => [stepId, decodeMcp(m)])),
    tools: new Map(Object.entries(stored.tools ?? {}).map(([stepId, list]) => [stepId, list.map(decodeMcp)])),
    ...(stored.rerun ? { rerun: stored.rerun } : {}),
  };
  return runPlanOf(parts, run);
}
