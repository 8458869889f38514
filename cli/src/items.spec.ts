import { create } from "@bufbuild/protobuf";
import { RunEventSchema, RunStatus, StepRunSchema, StepStatus, WorkflowRunSchema } from "@mcp/proto/executor";
import { itemLines } from "./items";
import { RunProgress } from "./progress";

const parent = (itemCount?: number) =>
  create(StepRunSchema, {
    stepId: "each",
    status: StepStatus.RUNNING,
    attempt: 1,
    ...(itemCount !== undefined ? { itemCount } : {}),
  });
const item = (index: number, status: StepStatus) =>
  create(StepRunSchema, {
    stepId: `each[${index}]`,
    parentStepId: "each",
    itemIndex: index,
    status,
    attempt: 1,
  });

describe("for_each item progress", () => {
  it("mcp get run: one line per for_each step with its finished and failed items", () => {
    const run = create(WorkflowRunSchema, {
      status: RunStatus.RUNNING,
      steps: [
        create(StepRunSchema, { stepId: "plain", status: StepStatus.SUCCEEDED }),
        parent(1000),
        item(0, StepStatus.SUCCEEDED),
        item(1, StepStatus.FAILED),
        item(2, StepStatus.RUNNING),
      ],
    });
    expect(itemLines(run)).toEqual(["each: 2/1000 items, 1 failed"]);
  });

  it("says nothing for a for_each step that has not read its list yet", () => {
    expect(itemLines(create(WorkflowRunSchema, { steps: [parent()] }))).toEqual([]);
  });

  it("the live progress shows a running for_each step with its items as they finish", () => {
    const progress = new RunProgress(1);
    progress.apply(create(RunEventSchema, { event: { case: "stepUpdated", value: parent(3) } }));
    progress.apply(
      create(RunEventSchema, { event: { case: "stepUpdated", value: item(0, StepStatus.SUCCEEDED) } }),
    );
    expect(progress.view().current).toEqual(["each (1/3 items)"]);
  });
});
