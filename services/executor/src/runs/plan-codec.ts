import { fromJson, toJson, type JsonObject as PbJsonObject } from "@bufbuild/protobuf";
import { McpConfigSchema } from "@mcp/proto/registry";
import { WorkflowSpecSchema, type WorkflowSpec } from "@mcp/proto/workflows";
import type { RunPlan } from "../engine/types.js";
import type { JsonObject, PinnedMcp } from "../step/index.js";

/** The id of the only step of a single-MCP run. */
export const MCP_RUN_STEP_ID = "mcp";

/** A pinned MCP as stored (its config in Protobuf JSON). */
type StoredMcp = Omit<PinnedMcp, "config"> & { config: PbJsonObject };

/**
 * The plan as stored in `workflow_runs.plan` (Protobuf JSON for the messages). Each MCP version it
 * pins is stored once (`pinned`), however many steps and tools call it; the steps and tools name
 * theirs by index. Plans stored before that (`mcps`, `tools`: a copy per step) are still read.
 */
export interface StoredPlan {
  readonly spec: PbJsonObject;
  /** The MCP versions the run calls, each once. */
  readonly pinned?: StoredMcp[];
  /** Step id → the MCP it calls (an index in `pinned`). */
  readonly stepMcps?: Record<string, number>;
  /** Step id → the MCPs an ai_assistant step may call as tools, pinned at start (indexes in `pinned`). */
  readonly stepTools?: Record<string, number[]>;
  /** Step id → the MCP it calls, one copy per step (plans stored before `pinned`). */
  readonly mcps?: Record<string, StoredMcp>;
  /** Step id → the tools of an ai_assistant step, one copy per step (plans stored before `pinned`). */
  readonly tools?: Record<string, StoredMcp[]>;
  /**
   * Fingerprint of the request (reference + inputs), to tell a retry from a different request with the
   * same key; "" for a run started without a request id (nothing compares it).
   */
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

/** A pinned MCP as stored; the same pinned object (the definitions' memo hands out one per version) is encoded once. */
const encoded = new WeakMap<PinnedMcp, StoredMcp>();
function encodeMcp(m: PinnedMcp): StoredMcp {
  let stored = encoded.get(m);
  if (!stored) encoded.set(m, (stored = { ...m, config: toJson(McpConfigSchema, m.config) as PbJsonObject }));
  return stored;
}
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
  const pinned: StoredMcp[] = [];
  const indexOf = new Map<string, number>();
  // an MCP version is immutable: one copy serves every step and tool that pins it
  const index = (m: PinnedMcp): number => {
    const key = `${m.id}@${m.version}`;
    let i = indexOf.get(key);
    if (i === undefined) {
      i = pinned.push(encodeMcp(m)) - 1;
      indexOf.set(key, i);
    }
    return i;
  };
  const stepMcps: Record<string, number> = {};
  for (const [stepId, m] of mcps) stepMcps[stepId] = index(m);
  const stepTools: Record<string, number[]> = {};
  for (const [stepId, list] of tools) stepTools[stepId] = list.map(index);
  return {
    spec: toJson(WorkflowSpecSchema, spec) as PbJsonObject,
    pinned,
    stepMcps,
    stepTools,
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
    ...(stored.pinned ? pinnedOf(stored, stored.pinned.map(decodeMcp)) : copiesOf(stored)),
    ...(stored.rerun ? { rerun: stored.rerun } : {}),
  };
  return runPlanOf(parts, run);
}

/** The steps' MCPs and tools of a plan that stores each MCP version once, decoded in `pinned`. */
function pinnedOf(stored: StoredPlan, pinned: readonly PinnedMcp[]): Pick<PlanParts, "mcps" | "tools"> {
  const at = (i: number): PinnedMcp => {
    const m = pinned[i];
    if (!m) throw new Error(`the run plan names pinned MCP ${i}, of ${pinned.length}`);
    return m;
  };
  return {
    mcps: new Map(Object.entries(stored.stepMcps ?? {}).map(([stepId, i]) => [stepId, at(i)])),
    tools: new Map(Object.entries(stored.stepTools ?? {}).map(([stepId, list]) => [stepId, list.map(at)])),
  };
}

/** The steps' MCPs and tools of a plan stored with a copy per step (before `pinned`). */
function copiesOf(stored: StoredPlan): Pick<PlanParts, "mcps" | "tools"> {
  return {
    mcps: new Map(Object.entries(stored.mcps ?? {}).map(([stepId, m]) => [stepId, decodeMcp(m)])),
    tools: new Map(Object.entries(stored.tools ?? {}).map(([stepId, list]) => [stepId, list.map(decodeMcp)])),
  };
}
