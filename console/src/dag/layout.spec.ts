import { fromJson } from "@bufbuild/protobuf";
import { WorkflowSpecSchema } from "@mcp/proto/workflows";
import { describe, expect, it } from "vitest";
import { mcpRefLabel, workflowGraph } from "./graph";
import { layoutDag } from "./layout";

const fanInSpec = fromJson(WorkflowSpecSchema, {
  steps: [
    { stepId: "upper", mcp: { name: "example-upper" }, inputs: { text: { workflowInput: "text" } } },
    { stepId: "reverse", mcp: { name: "example-reverse", label: "production" } },
    { stepId: "length", mcp: { name: "example-length", version: 2 } },
    {
      stepId: "merge",
      mcp: { id: "0b6e" },
      dependsOn: ["upper", "reverse", "length"],
      inputs: {
        upper: { stepOutput: { stepId: "upper", output: "text" } },
        extra: { stepOutput: { stepId: "first", output: "x" } },
      },
    },
    {
      stepId: "report",
      mcp: { name: "r" },
      inputs: { n: { stepOutput: { stepId: "length", output: "n" } } },
    },
  ],
});

describe("workflowGraph", () => {
  it("gives every step a node, with its MCP reference", () => {
    const g = workflowGraph(fanInSpec);
    expect(g.nodes).toEqual([
      { id: "upper", mcp: "example-upper" },
      { id: "reverse", mcp: "example-reverse@production" },
      { id: "length", mcp: "example-length@v2" },
      { id: "merge", mcp: "id:0b6e" },
      { id: "report", mcp: "r" },
    ]);
  });

  it("gives every dependency and every step_output reference an edge, merged per pair", () => {
    const g = workflowGraph(fanInSpec);
    expect(g.edges).toEqual([
      { from: "upper", to: "merge", kinds: ["depends_on", "step_output"] },
      { from: "reverse", to: "merge", kinds: ["depends_on"] },
      { from: "length", to: "merge", kinds: ["depends_on"] },
      { from: "length", to: "report", kinds: ["step_output"] },
    ]);
  });

  it("reports references to unknown steps instead of drawing them", () => {
    expect(workflowGraph(fanInSpec).dangling).toEqual([{ from: "first", to: "merge", kind: "step_output" }]);
  });

  it("labels references without an MCP", () => {
    expect(mcpRefLabel(undefined)).toBe("(no MCP)");
  });
});

describe("layoutDag", () => {
  it("places every node and routes every edge from dagre's layout", () => {
    const graph = workflowGraph(fanInSpec);
    const dag = layoutDag(graph);
    expect(dag.nodes.map((n) => n.id)).toEqual(graph.nodes.map((n) => n.id));
    expect(dag.edges).toHaveLength(graph.edges.length);
    for (const edge of dag.edges) expect(edge.points.length).toBeGreaterThanOrEqual(2);
    const y = Object.fromEntries(dag.nodes.map((n) => [n.id, n.y]));
    // top to bottom: a step sits below every step it depends on
    expect(y["merge"]).toBeGreaterThan(y["upper"]!);
    expect(y["merge"]).toBeGreaterThan(y["length"]!);
    expect(y["report"]).toBeGreaterThan(y["length"]!);
    // the three independent steps share a rank
    expect(y["upper"]).toBe(y["reverse"]);
    for (const n of dag.nodes) {
      expect(n.x - n.width / 2).toBeGreaterThanOrEqual(0);
      expect(n.x + n.width / 2).toBeLessThanOrEqual(dag.width);
      expect(n.y + n.height / 2).toBeLessThanOrEqual(dag.height);
    }
  });

  it("lays out a spec with no steps as an empty drawing", () => {
    const dag = layoutDag(workflowGraph(undefined));
    expect(dag.nodes).toEqual([]);
    expect(dag.edges).toEqual([]);
  });
});
