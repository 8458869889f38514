import { create } from "@bufbuild/protobuf";
import { WorkflowSpecSchema } from "@mcp/proto/workflows";
import { describe, expect, it } from "vitest";
import { workflowGraph } from "./graph";

describe("workflowGraph › sub-workflow steps", () => {
  it("labels a step that calls a workflow and links it to the workflow's page", () => {
    const graph = workflowGraph(
      create(WorkflowSpecSchema, {
        steps: [
          { stepId: "call", workflow: { workflow: { case: "name", value: "child flow" }, version: 3 } },
          { stepId: "by_id", workflow: { workflow: { case: "id", value: "abc" } } },
        ],
      }),
    );
    expect(graph.nodes).toEqual([
      {
        id: "call",
        mcp: "↳ child flow@v3",
        subWorkflow: { label: "↳ child flow@v3", href: "/workflows/child%20flow?version=3" },
      },
      { id: "by_id", mcp: "↳ id:abc", subWorkflow: { label: "↳ id:abc" } },
    ]);
  });
});
