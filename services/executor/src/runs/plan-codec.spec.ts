import { create, toJson } from "@bufbuild/protobuf";
import { McpConfigSchema, McpType } from "@mcp/proto/registry";
import { ExecutionMode, StepSchema, WorkflowSpecSchema } from "@mcp/proto/workflows";
import type { PinnedMcp } from "../step/index.js";
import { decodePlan, encodePlan, runPlanOf, type PlanParts, type StoredPlan } from "./plan-codec.js";

const script = (id: string, name: string): PinnedMcp => ({
  id,
  name,
  version: 2,
  type: McpType.PYTHON_SCRIPT,
  description: `${name} the text`,
  inputSchema: { type: "object", properties: { text: { type: "string" } } },
  config: create(McpConfigSchema, {
    kind: { case: "pythonScript", value: { source: { case: "scriptContent", value: "print(1)" } } },
  }),
});

const parts: PlanParts = {
  spec: create(WorkflowSpecSchema, {
    executionMode: ExecutionMode.PARALLEL,
    inputs: [{ name: "text", required: true }],
    steps: [create(StepSchema, { stepId: "a" }), create(StepSchema, { stepId: "b", dependsOn: ["a"] })],
    timeoutSeconds: 30,
  }),
  mcps: new Map([
    ["a", script("00000000-0000-4000-8000-00000000000a", "upper")],
    ["b", script("00000000-0000-4000-8000-00000000000b", "lower")],
  ]),
  tools: new Map([["b", [script("00000000-0000-4000-8000-00000000000c", "trim")]]]),
};

/** The run as a claiming executor reads it back: its plan through the jsonb column's JSON. */
const stored = (plan: PlanParts, inputs: Record<string, string>) => ({
  id: "00000000-0000-4000-8000-0000000000f1",
  plan: JSON.parse(JSON.stringify(encodePlan(plan, "hash-1"))) as unknown,
  inputs,
});

describe("plan-codec", () => {
  it("a run created here is driven from the parts it was stored from: what a claiming executor decodes, without decoding", () => {
    const run = stored(parts, { text: "as stored" });
    const driven = runPlanOf(parts, run);
    expect(driven).toEqual(decodePlan(run));
    // the very messages pinned at creation, not copies made from the stored JSON
    expect(driven.plan.spec).toBe(parts.spec);
    expect(driven.plan.mcps.get("a")).toBe(parts.mcps.get("a"));
    expect(driven.tools).toBe(parts.tools);
    // the run's inputs as stored (and as a resume reads them)
    expect(driven.plan.inputs).toBe(run.inputs);
  });

  it("a re-run that took steps over says so both ways; one that took none, and a first run, do not", () => {
    const rerun = (reusedStepIds: string[]): PlanParts => ({
      ...parts,
      rerun: { ofRunId: "00000000-0000-4000-8000-0000000000f0", fromStepId: "b", reusedStepIds },
    });
    const recorded = [rerun(["a"]), rerun([]), parts].map((plan) => {
      const run = stored(plan, {});
      return [runPlanOf(plan, run).recordedAtCreate, decodePlan(run).recordedAtCreate];
    });
    expect(recorded).toEqual([
      [true, true],
      [false, false],
      [false, false],
    ]);
  });

  it("stores each pinned MCP version once, however many steps and tools call it", () => {
    const upper = script("00000000-0000-4000-8000-00000000000a", "upper");
    const shared: PlanParts = {
      ...parts,
      spec: create(WorkflowSpecSchema, {
        steps: ["a", "b", "c"].map((stepId) => create(StepSchema, { stepId })),
      }),
      // the same version reached twice as different objects (another lookup), and once as a tool
      mcps: new Map([
        ["a", upper],
        ["b", { ...upper }],
        ["c", script("00000000-0000-4000-8000-00000000000b", "lower")],
      ]),
      tools: new Map([["c", [upper, script("00000000-0000-4000-8000-00000000000c", "trim")]]]),
    };
    const run = stored(shared, {});
    const plan = run.plan as StoredPlan;
    expect(plan.pinned?.map((m) => m.name)).toEqual(["upper", "lower", "trim"]);
    expect(plan.stepMcps).toEqual({ a: 0, b: 0, c: 1 });
    expect(plan.stepTools).toEqual({ c: [0, 2] });
    expect(plan.mcps).toBeUndefined();
    // a claiming executor decodes what the creating one drives
    const decoded = decodePlan(run);
    expect(decoded).toEqual(runPlanOf(shared, run));
    expect(decoded.plan.mcps.get("b")?.config).toEqual(upper.config);
  });

  it("still decodes a plan stored with a copy of the MCP per step (before pinned MCPs were shared)", () => {
    const encodeOld = (m: PinnedMcp) => ({ ...m, config: toJson(McpConfigSchema, m.config) });
    const old = {
      spec: toJson(WorkflowSpecSchema, parts.spec),
      mcps: Object.fromEntries([...parts.mcps].map(([stepId, m]) => [stepId, encodeOld(m)])),
      tools: Object.fromEntries([...parts.tools].map(([stepId, list]) => [stepId, list.map(encodeOld)])),
      requestHash: "hash-1",
    };
    const run = {
      id: "00000000-0000-4000-8000-0000000000f1",
      plan: JSON.parse(JSON.stringify(old)) as unknown,
      inputs: {},
    };
    expect(decodePlan(run)).toEqual(runPlanOf(parts, run));
  });
});
