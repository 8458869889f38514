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

/** What {@link encodePlan} encoded, kept for the run this executor creates and drives itself. */
interface PlanParts {
  readonly spec: WorkflowSpec;
  readonly mcps: ReadonlyMap<string, PinnedMcp>;
  readonly tools: ReadonlyMap<string, readonly PinnedMcp[]>;
  readonly rerun?: StoredRerun;
}
const partsOf = new WeakMap<StoredPlan, PlanParts>();

export function encodePlan(
  spec: WorkflowSpec,
  mcps: ReadonlyMap<string, PinnedMcp>,
  requestHash: string,
  tools: ReadonlyMap<string, readonly PinnedMcp[]> = new Map(),
  rerun?: StoredRerun,
): StoredPlan {
  const stored: StoredPlan = {
    spec: toJson(WorkflowSpecSchema, spec) as PbJsonObject,
    mcps: Object.fromEntries([...mcps].map(([stepId, m]) => [stepId, encodeMcp(m)])),
    tools: Object.fromEntries([...tools].map(([stepId, list]) => [stepId, list.map(encodeMcp)])),
    requestHash,
    ...(rerun ? { rerun } : {}),
  };
  partsOf.set(stored, { spec, mcps, tools, ...(rerun ? { rerun } : {}) });
  return stored;
}

/**
 * The plan `stored` was encoded from, as {@link decodePlan} would decode it for `run` (created with
 * it), without decoding it again: for a run created and driven by this executor. Undefined when
 * `stored` did not come from {@link encodePlan} in this process.
 */
export function decodedOf(
  stored: StoredPlan,
  run: { readonly id: string; readonly inputs: JsonObject },
): DecodedPlan | undefined {
  const parts = partsOf.get(stored);
  if (!parts) return undefined;
  return {
    // the run's inputs as stored (and as a resume reads them), not as given
    plan: { runId: run.id, spec: parts.spec, mcps: new Map(parts.mcps), inputs: run.inputs },
    tools: parts.tools,
    recordedAtCreate: (parts.rerun?.reusedStepIds.length ?? 0) > 0,
  };
}

/** A claimed run's stored plan, decoded once: what the engine runs, and each assistant step's tools. */
export interface DecodedPlan {
  readonly plan: RunPlan;
  /** The pinned tools of each ai_assistant step. */
  readonly tools: ReadonlyMap<string, readonly PinnedMcp[]>;
  /** Whether steps were recorded when the run was created (a re-run's reused steps). */
  readonly recordedAtCreate: boolean;
}

/** The re-run origin a stored plan records, if any. */
export const rerunOf = (plan: unknown): StoredRerun | undefined => (plan as StoredPlan | null)?.rerun;

/** Decodes `run.plan` (as `encodePlan` stored it) with the run's inputs. */
export function decodePlan(run: {
  readonly id: string;
  readonly plan: unknown;
  readonly inputs: JsonObject;
}): DecodedPlan {
  const stored = run.plan as StoredPlan;
  return {
    plan: {
      runId: run.id,
      spec: fromJson(WorkflowSpecSchema, stored.spec),
      mcps: new Map(Object.entries(stored.mcps).map(([stepId, m]) => [stepId, decodeMcp(m)])),
      inputs: run.inputs,
    },
    tools: new Map(Object.entries(stored.tools ?? {}).map(([stepId, list]) => [stepId, list.map(decodeMcp)])),
    recordedAtCreate: (stored.rerun?.reusedStepIds.length ?? 0) > 0,
  };
}
