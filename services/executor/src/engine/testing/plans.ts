import { create, fromJson, type MessageInitShape } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import { McpConfigSchema, McpType } from "@mcp/proto/registry";
import {
  StepInputSchema,
  StepSchema,
  WorkflowSpecSchema,
  type ErrorStrategy,
  type RetryPolicySchema,
  type Step,
  type StepInput,
  type WorkflowSpec,
} from "@mcp/proto/workflows";
import type { JsonObject, JsonValue, PinnedMcp } from "../../step/index.js";
import type { RunPlan } from "../types.js";

export interface StepOptions {
  dependsOn?: string[];
  inputs?: Record<string, StepInput>;
  timeoutSeconds?: number;
  retry?: MessageInitShape<typeof RetryPolicySchema>;
  onError?: ErrorStrategy;
}

/** A step calling an MCP of the same name. */
export function step(stepId: string, init: StepOptions = {}): Step {
  return create(StepSchema, { ...init, stepId, mcp: { mcp: { case: "name", value: stepId } } });
}

/** Input sources. */
export const from = {
  value: (json: JsonValue): StepInput =>
    create(StepInputSchema, { source: { case: "staticValue", value: fromJson(ValueSchema, json) } }),
  input: (name: string): StepInput =>
    create(StepInputSchema, { source: { case: "workflowInput", value: name } }),
  step: (stepId: string, output = ""): StepInput =>
    create(StepInputSchema, { source: { case: "stepOutput", value: { stepId, output } } }),
};

/** A spec built from its init shape. */
export function spec(init: MessageInitShape<typeof WorkflowSpecSchema>): WorkflowSpec {
  return create(WorkflowSpecSchema, init);
}

/** A plan for `spec` with every step pinned to a python_script MCP. */
export function plan(workflow: WorkflowSpec, inputs: JsonObject = {}): RunPlan {
  const mcps = new Map<string, PinnedMcp>(
    workflow.steps.map((s) => [
      s.stepId,
      {
        id: `mcp-${s.stepId}`,
        name: s.stepId,
        version: 1,
        type: McpType.PYTHON_SCRIPT,
        config: create(McpConfigSchema),
      },
    ]),
  );
  return { runId: "run-1", spec: workflow, mcps, inputs };
}
