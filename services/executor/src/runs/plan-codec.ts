import { fromJson, toJson, type JsonObject as PbJsonObject } from "@bufbuild/protobuf";
import { McpConfigSchema } from "@mcp/proto/registry";
import { WorkflowSpecSchema, type WorkflowSpec } from "@mcp/proto/workflows";
import type { RunPlan } from "../engine/types.js";
import type { JsonObject, PinnedMcp } from "../runners/runner.js";

/** The plan as stored in `workflow_runs.plan` (Protobuf JSON for the messages). */
export interface StoredPlan {
  readonly spec: PbJsonObject;
  readonly mcps: Record<string, Omit<PinnedMcp, "config"> & { config: PbJsonObject }>;
  /** Fingerprint of the request (reference + inputs), to tell a retry from a different request with the same key. */
  readonly requestHash: string;
}

export function encodePlan(
  spec: WorkflowSpec,
  mcps: ReadonlyMap<string, PinnedMcp>,
  requestHash: string,
): StoredPlan {
  return {
    spec: toJson(WorkflowSpecSchema, spec) as PbJsonObject,
    mcps: Object.fromEntries(
      [...mcps].map(([stepId, m]) => [
        stepId,
        { ...m, config: toJson(McpConfigSchema, m.config) as PbJsonObject },
      ]),
    ),
    requestHash,
  };
}

export function decodePlan(runId: string, stored: StoredPlan, inputs: JsonObject): RunPlan {
  return {
    runId,
    spec: fromJson(WorkflowSpecSchema, stored.spec),
    mcps: new Map(
      Object.entries(stored.mcps).map(([stepId, m]) => [
        stepId,
        { ...m, config: fromJson(McpConfigSchema, m.config) },
      ]),
    ),
    inputs,
  };
}
