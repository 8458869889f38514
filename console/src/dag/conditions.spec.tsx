import { create, fromJson } from "@bufbuild/protobuf";
import { StepRunSchema, StepStatus } from "@mcp/proto/executor";
import { WorkflowSpecSchema } from "@mcp/proto/workflows";
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { DagView } from "../components/dag-view";
import { StepStatusBadge } from "../components/step-status-badge";
import { conditionBadge, MAX_BADGE_CHARS, skippedByCondition } from "./conditions";
import { workflowGraph } from "./graph";
import { layoutDag } from "./layout";

const branchSpec = fromJson(WorkflowSpecSchema, {
  steps: [
    { stepId: "classify", mcp: { name: "c" } },
    {
      stepId: "cheer",
      mcp: { name: "x" },
      dependsOn: ["classify"],
      when: 'steps.classify.outputs.label == "positive"',
    },
    { stepId: "reply", mcp: { name: "r" }, dependsOn: ["cheer"], runIfSkipped: true },
  ],
});

describe("conditionBadge", () => {
  it("labels a condition `when …`, cut with an ellipsis, the whole text in the title", () => {
    const badge = conditionBadge({ when: 'steps.classify.outputs.label == "positive"', runIfSkipped: false });
    expect(badge?.label).toHaveLength(MAX_BADGE_CHARS);
    expect(badge?.label.startsWith("when steps.classify")).toBe(true);
    expect(badge?.label.endsWith("…")).toBe(true);
    expect(badge?.title).toBe('Runs only when: steps.classify.outputs.label == "positive"');
    expect(conditionBadge({ when: "inputs.go", runIfSkipped: false })?.label).toBe("when inputs.go");
  });

  it("shows run_if_skipped, and nothing for a plain step", () => {
    expect(conditionBadge({ when: "", runIfSkipped: true })).toEqual({
      label: "runs if skipped",
      title: "Runs even when a dependency was skipped by a condition (run_if_skipped).",
    });
    expect(conditionBadge({ when: "", runIfSkipped: false })).toBeUndefined();
  });
});

describe("the DAG with conditions", () => {
  it("gives a node with a condition a third line and room for it", () => {
    const graph = workflowGraph(branchSpec);
    expect(graph.nodes.map((n) => n.condition?.label)).toEqual([
      undefined,
      expect.stringMatching(/^when /),
      "runs if skipped",
    ]);
    const heights = layoutDag(graph).nodes.map((n) => n.height);
    expect(heights[1]).toBeGreaterThan(heights[0] ?? 0);
  });

  it("draws the condition on its node with the full expression as its title", () => {
    render(<DagView spec={branchSpec} />);
    const labels = screen.getAllByTestId("dag-when");
    expect(labels).toHaveLength(2);
    expect(labels[0]?.querySelector("title")?.textContent).toContain(
      'steps.classify.outputs.label == "positive"',
    );
  });
});

describe("a step skipped by a condition on the run page", () => {
  it("reads `SKIPPED · condition` with the reason, unlike a skip caused by a failure", () => {
    const byCondition = create(StepRunSchema, {
      stepId: "cheer",
      status: StepStatus.SKIPPED,
      error: {
        code: "CONDITION_FALSE",
        message: 'condition false: steps.classify.outputs.label == "positive"',
      },
    });
    const byFailure = create(StepRunSchema, {
      stepId: "after",
      status: StepStatus.SKIPPED,
      error: { code: "SKIPPED", message: 'not run: it depends on step "a", which failed' },
    });
    expect(skippedByCondition(byCondition)).toBe(true);
    expect(skippedByCondition(byFailure)).toBe(false);
    render(
      <>
        <StepStatusBadge step={byCondition} />
        <StepStatusBadge step={byFailure} />
      </>,
    );
    const badge = screen.getByTestId("condition-skip");
    expect(badge.textContent).toBe("SKIPPED · condition");
    expect(badge.getAttribute("title")).toContain("condition false:");
    expect(screen.getByText("SKIPPED").className).not.toContain("condition-skip");
  });
});
