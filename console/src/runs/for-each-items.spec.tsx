import { create, fromJson } from "@bufbuild/protobuf";
import { ExecutorService, RunEventSchema, RunStatus, StepRunSchema, StepStatus } from "@mcp/proto/executor";
import { WorkflowSpecSchema } from "@mcp/proto/workflows";
import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { DagView } from "../components/dag-view";
import { fanOutBadge, itemProgress } from "../dag/for-each";
import { workflowGraph } from "../dag/graph";
import { RunPage } from "../pages/runs/run-page";
import { run, snapshot } from "../test/builders";
import { renderWithApi } from "../test/render";

const fanOutSpec = fromJson(WorkflowSpecSchema, {
  inputs: [{ name: "docs" }],
  steps: [
    { stepId: "split", mcp: { name: "s" } },
    {
      stepId: "shout",
      mcp: { name: "x" },
      dependsOn: ["split"],
      forEach: { stepOutput: { stepId: "split", output: "data" }, path: "words", maxConcurrency: 4 },
      inputs: { word: { item: "text" }, position: { itemIndex: true } },
    },
    { stepId: "each", mcp: { name: "y" }, forEach: { workflowInput: "docs" } },
  ],
});

const item = (index: number, status: StepStatus) =>
  create(StepRunSchema, {
    stepId: `shout[${index}]`,
    parentStepId: "shout",
    itemIndex: index,
    status,
    attempt: 1,
  });

describe("for_each steps in the console", () => {
  it("the DAG marks a for_each step with its list and max concurrency (default 8)", () => {
    const nodes = workflowGraph(fanOutSpec).nodes;
    expect(nodes.map((n) => n.fanOut?.label)).toEqual([
      undefined,
      "⇶ each split.data.words ×4",
      "⇶ each inputs.docs ×8",
    ]);
    expect(fanOutBadge(fanOutSpec.steps[1]!)?.title).toContain("at most 4 at once");
    render(<DagView spec={fanOutSpec} />);
    const badges = screen.getAllByTestId("dag-fan-out");
    expect(badges.map((b) => b.textContent)).toEqual([
      'Runs once per item of split.data.words, at most 4 at once; outputs {"items": [...]} in item order.⇶ each split.data.words ×4',
      'Runs once per item of inputs.docs, at most 8 at once; outputs {"items": [...]} in item order.⇶ each inputs.docs ×8',
    ]);
  });

  it("counts the items of each for_each step that read its list", () => {
    const steps = [
      create(StepRunSchema, { stepId: "shout", status: StepStatus.RUNNING, itemCount: 5 }),
      item(0, StepStatus.SUCCEEDED),
      item(1, StepStatus.FAILED),
      item(2, StepStatus.RUNNING),
      create(StepRunSchema, { stepId: "other", status: StepStatus.PENDING }),
    ];
    expect(itemProgress({ steps })).toEqual([
      { stepId: "shout", total: 5, succeeded: 1, failed: 1, running: 1 },
    ]);
  });

  it("the run page shows the item progress and lists the items under their step", async () => {
    const live = run(RunStatus.RUNNING, [
      create(StepRunSchema, { stepId: "shout", status: StepStatus.RUNNING, itemCount: 3, attempt: 1 }),
      item(0, StepStatus.SUCCEEDED),
      item(1, StepStatus.RUNNING),
    ]);
    renderWithApi(<RunPage />, {
      path: "/runs/run-1",
      pattern: "/runs/:id",
      routes: (router) =>
        router.service(ExecutorService, {
          async *watchRun(_req, ctx) {
            yield { event: create(RunEventSchema, { ...snapshot(live, 1) }) };
            await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
          },
        }),
    });
    const section = await screen.findByRole("region", { name: "Items" });
    const row = within(section).getByTestId("items-shout");
    expect(within(row).getByTestId("item-progress").textContent).toBe("1/3 items");
    expect(row.textContent).toContain("1 running");
    const timeline = screen.getByTestId("timeline");
    expect([...timeline.querySelectorAll("[data-step]")].map((e) => e.getAttribute("data-step"))).toEqual([
      "shout",
      "shout[0]",
      "shout[1]",
    ]);
  });
});
