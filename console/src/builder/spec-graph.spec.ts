import { create, equals } from "@bufbuild/protobuf";
import { ViolationSchema, WorkflowSpecSchema } from "@mcp/proto/workflows";
import { describe, expect, it } from "vitest";
import { SPEC_TEMPLATE } from "../workflows/create-request";
import {
  addStep,
  addWorkflowInput,
  addWorkflowOutput,
  canConnect,
  connect,
  disconnect,
  emptySpec,
  removeSteps,
  renameStep,
} from "./spec-edits";
import { edgeId, placeSteps, specToFlow } from "./spec-graph";
import { specToYaml, yamlToSpec } from "./spec-text";
import { placeViolations, problemsByStep, problemsOf } from "./violations";

const mcp = (name: string, label?: string) => ({
  kind: "mcp" as const,
  ref: {
    $typeName: "mcp.registry.v1.McpReference" as const,
    mcp: { case: "name" as const, value: name },
    selector: label ? { case: "label" as const, value: label } : { case: undefined },
  },
});

/** fetch → (summarise, translate) → report, built with the builder's edits from an empty spec. */
function diamond() {
  let spec = emptySpec();
  for (const name of ["fetch", "summarise", "translate", "report"]) spec = addStep(spec, mcp(name)).spec;
  spec = connect(spec, "fetch", "summarise");
  spec = connect(spec, "fetch", "translate");
  spec = connect(spec, "summarise", "report");
  return connect(spec, "translate", "report");
}

describe("spec → graph", () => {
  it("draws a node per step and a deletable edge per depends_on", () => {
    const spec = yamlToSpec(SPEC_TEMPLATE);
    const { nodes, edges } = specToFlow(spec, placeSteps(spec, new Map()));
    expect(nodes.map((n) => [n.id, n.data.step.mcp])).toEqual([
      ["echo", "example-echo"],
      ["concat", "example-concat"],
    ]);
    expect(edges).toEqual([
      expect.objectContaining({
        id: edgeId("echo", "concat"),
        source: "echo",
        target: "concat",
        deletable: true,
      }),
    ]);
    // dagre puts the dependent step below the step it depends on
    expect(nodes[1]!.position.y).toBeGreaterThan(nodes[0]!.position.y);
  });

  it("shows a read of an output without depends_on as a fixed, dashed edge", () => {
    const spec = yamlToSpec(`steps:
  - { stepId: a, mcp: { name: x } }
  - stepId: b
    mcp: { name: y }
    inputs: { text: { stepOutput: { stepId: a, output: text } } }
`);
    const [edge] = specToFlow(spec, new Map()).edges;
    expect(edge).toMatchObject({ source: "a", target: "b", deletable: false, className: "data-only" });
  });

  it("keeps the boxes the user moved and places a new step under the lowest", () => {
    let spec = diamond();
    const first = placeSteps(spec, new Map());
    const moved = new Map(first).set("report", { x: 500, y: 700 });
    spec = addStep(spec, mcp("archive")).spec;
    const placed = placeSteps(spec, moved);
    expect(placed.get("report")).toEqual({ x: 500, y: 700 });
    expect(placed.get("fetch")).toEqual(first.get("fetch"));
    expect(placed.get("archive")!.y).toBeGreaterThan(700);
  });

  it("marks the steps ValidateWorkflow found problems with", () => {
    const spec = diamond();
    const { nodes } = specToFlow(spec, new Map(), new Map([["translate", ["bad"]]]), "report");
    expect(nodes.find((n) => n.id === "translate")?.data.problems).toEqual(["bad"]);
    expect(nodes.find((n) => n.id === "report")?.selected).toBe(true);
  });
});

describe("graph edits → spec", () => {
  it("builds a diamond from an empty spec: connecting is depends_on", () => {
    const spec = diamond();
    expect(spec.steps.map((s) => [s.stepId, s.dependsOn])).toEqual([
      ["fetch", []],
      ["summarise", ["fetch"]],
      ["translate", ["fetch"]],
      ["report", ["summarise", "translate"]],
    ]);
    expect(specToFlow(spec, new Map()).edges.map((e) => e.id)).toEqual([
      "fetch->summarise",
      "fetch->translate",
      "summarise->report",
      "translate->report",
    ]);
  });

  it("gives steps unique ids from the MCP's name", () => {
    let spec = addStep(emptySpec(), mcp("sum it@up")).spec;
    const second = addStep(spec, mcp("sum it@up"));
    spec = second.spec;
    expect(spec.steps.map((s) => s.stepId)).toEqual(["sum-it-up", "sum-it-up-2"]);
    expect(second.stepId).toBe("sum-it-up-2");
    const sub = addStep(spec, {
      kind: "workflow",
      ref: { $typeName: "mcp.workflows.v1.WorkflowReference", workflow: { case: "name", value: "child" } },
    });
    expect(sub.spec.steps[2]?.workflow?.workflow).toEqual({ case: "name", value: "child" });
  });

  it("refuses a connection that would make a cycle or join a step to itself", () => {
    const spec = diamond();
    expect(canConnect(spec, "report", "fetch")).toBe(false);
    expect(canConnect(spec, "fetch", "fetch")).toBe(false);
    expect(canConnect(spec, "summarise", "translate")).toBe(true);
    expect(connect(spec, "report", "fetch")).toBe(spec);
    expect(connect(spec, "fetch", "summarise")).toBe(spec);
  });

  it("disconnects one edge and leaves the others", () => {
    const spec = disconnect(diamond(), "summarise", "report");
    expect(spec.steps[3]?.dependsOn).toEqual(["translate"]);
  });

  it("removes a step with the references to it, and leaves the argument untouched", () => {
    let spec = diamond();
    spec = addWorkflowOutput(spec, "translate");
    spec.steps[3]!.inputs["text"] = {
      $typeName: "mcp.workflows.v1.StepInput",
      source: {
        case: "stepOutput",
        value: { $typeName: "mcp.workflows.v1.StepOutputRef", stepId: "translate", output: "" },
      },
    };
    const before = specToYaml(spec);
    const after = removeSteps(spec, ["translate"]);
    expect(specToYaml(spec)).toBe(before);
    expect(after.steps.map((s) => s.stepId)).toEqual(["fetch", "summarise", "report"]);
    expect(after.steps[2]?.dependsOn).toEqual(["summarise"]);
    expect(after.steps[2]?.inputs).toEqual({});
    expect(after.outputs).toEqual([]);
  });

  it("renames a step everywhere it is referenced, and refuses a taken id", () => {
    let spec = addWorkflowOutput(diamond(), "fetch");
    spec = renameStep(spec, "fetch", "download");
    expect(spec.steps[0]?.stepId).toBe("download");
    expect(spec.steps[1]?.dependsOn).toEqual(["download"]);
    expect(spec.outputs[0]).toMatchObject({ name: "fetch", stepId: "download" });
    expect(renameStep(spec, "download", "report")).toBe(spec);
  });

  it("adds workflow inputs with unique names", () => {
    const spec = addWorkflowInput(addWorkflowInput(emptySpec()));
    expect(spec.inputs.map((i) => i.name)).toEqual(["input", "input_2"]);
  });
});

describe("YAML view ⇄ builder", () => {
  it("round-trips a spec built in the builder through the YAML text", () => {
    let spec = addWorkflowInput(diamond());
    spec = addWorkflowOutput(spec, "report");
    spec.steps[0]!.when = "inputs.input != ''";
    spec.steps[0]!.timeoutSeconds = 30;
    const text = specToYaml(spec);
    const back = yamlToSpec(text);
    expect(equals(WorkflowSpecSchema, back, spec)).toBe(true);
    expect(specToYaml(back)).toBe(text);
  });

  it("round-trips the YAML template through the builder", () => {
    const spec = yamlToSpec(SPEC_TEMPLATE);
    expect(equals(WorkflowSpecSchema, yamlToSpec(specToYaml(spec)), spec)).toBe(true);
    expect(specToYaml(spec)).toContain("stepId: concat");
  });

  it("writes an empty spec as text that reads back empty", () => {
    expect(equals(WorkflowSpecSchema, yamlToSpec(specToYaml(emptySpec())), emptySpec())).toBe(true);
  });
});

describe("ValidateWorkflow's violations on the canvas", () => {
  const v = (field: string, code: string) =>
    create(ViolationSchema, { field, code, description: `${code} at ${field}` });

  it("places each violation on its step and the part of the panel it concerns", () => {
    const spec = diamond();
    const placed = placeViolations(spec, [
      v('spec.steps[1].inputs["text"]', "UNDECLARED_WORKFLOW_INPUT"),
      v('spec.steps[1].inputs["prefix"]', "MISSING_MCP_INPUT"),
      v("spec.steps[1].inputs", "MISSING_WORKFLOW_INPUT"),
      v("spec.steps[3].depends_on[0]", "UNKNOWN_DEPENDENCY"),
      v("spec.steps[0].mcp", "MCP_NOT_FOUND"),
      v("spec.steps[2].retry.max_retries", "OUT_OF_RANGE"),
      v("spec.steps[2].when", "CONDITION_TYPE_ERROR"),
      v("spec.inputs[0].name", "INVALID_FORMAT"),
      v("", "EMPTY_WORKFLOW"),
    ]);
    expect(placed.steps.map((s) => [s.stepId, s.part])).toEqual([
      ["summarise", { kind: "input", name: "text" }],
      ["summarise", { kind: "input", name: "prefix" }],
      ["summarise", { kind: "inputs" }],
      ["report", { kind: "dependsOn" }],
      ["fetch", { kind: "target" }],
      ["translate", { kind: "strategy" }],
      ["translate", { kind: "when" }],
    ]);
    expect(placed.workflow.map((w) => w.code)).toEqual(["INVALID_FORMAT", "EMPTY_WORKFLOW"]);
    expect(problemsByStep(placed).get("summarise")).toHaveLength(3);
    expect(problemsOf(placed, "summarise", "input", "text")).toEqual([
      'UNDECLARED_WORKFLOW_INPUT at spec.steps[1].inputs["text"]',
    ]);
    expect(problemsOf(placed, "summarise", "input", "prefix")).toEqual([
      'MISSING_MCP_INPUT at spec.steps[1].inputs["prefix"]',
    ]);
    expect(problemsOf(placed, "summarise", "input", "other")).toEqual([]);
  });
});
