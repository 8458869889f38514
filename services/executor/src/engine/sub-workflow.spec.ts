import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { ErrorStrategy, StepSchema, type Step } from "@mcp/proto/workflows";
import { from, MemoryChildren, plan, spec, startRun, step } from "./testing/index.js";
import type { RecordedStep } from "./types.js";

const sub = (
  stepId: string,
  dependsOn: string[] = [],
  init: Omit<MessageInitShape<typeof StepSchema>, "stepId"> = {},
): Step =>
  create(StepSchema, {
    stepId,
    dependsOn,
    workflow: { workflow: { case: "name", value: "child" } },
    inputs: dependsOn[0] ? { text: from.step(dependsOn[0]) } : {},
    ...init,
  } as MessageInitShape<typeof StepSchema>);
const waiting = (stepId: string, attempt = 1): RecordedStep => ({
  stepId,
  status: "waiting",
  attempt,
  outputs: null,
  wakeAt: null,
});
const done = (stepId: string, outputs = {}): RecordedStep => ({
  stepId,
  status: "succeeded",
  attempt: 1,
  outputs,
});

describe("runPlan › sub-workflow steps", () => {
  it("starts the child with the mapped inputs and parks; resumed after its end, the child's outputs are the step's", async () => {
    const children = new MemoryChildren();
    const steps = [step("a"), sub("call", ["a"]), step("b", { dependsOn: ["call"] })];
    const first = startRun(plan(spec({ steps })), { subWorkflows: children });
    await expect(first.result).resolves.toEqual({ status: "parked", wakeAt: null });
    expect(children.started).toMatchObject([{ stepId: "call", attempt: 1, record: true }]);
    expect(Object.keys(children.started[0]!.inputs)).toEqual(["text"]);

    children.ends.set("call-1", { status: "succeeded", outputs: { said: "hi" } });
    const again = startRun(plan(spec({ steps })), {
      subWorkflows: children,
      recorded: [done("a", { text: "x" }), waiting("call")],
    });
    await expect(again.outcome).resolves.toMatchObject({ status: "succeeded" });
    // the same child, found again, the wait not recorded twice
    expect(children.started[1]).toMatchObject({ stepId: "call", attempt: 1, record: false });
    expect(again.recorder.lines()).toEqual(["succeeded call#1", "started b#1", "succeeded b#1"]);
  });

  it("a failed child fails the step SUBWORKFLOW_FAILED naming it; under a retry policy a new attempt starts a new child", async () => {
    const children = new MemoryChildren();
    children.ends.set("call-1", { status: "failed", outputs: {}, error: { code: "X", message: "boom" } });
    const run = startRun(plan(spec({ steps: [sub("call")] })), {
      subWorkflows: children,
      recorded: [waiting("call")],
    });
    await expect(run.outcome).resolves.toMatchObject({
      status: "failed",
      error: {
        code: "SUBWORKFLOW_FAILED",
        stepId: "call",
        message: "sub-workflow run call-1 ended failed (X: boom)",
      },
    });

    const retried = startRun(
      plan(spec({ steps: [sub("call", [], { retry: { maxRetries: 2 }, onError: ErrorStrategy.RETRY })] })),
      { subWorkflows: children, recorded: [waiting("call")] },
    );
    await expect(retried.result).resolves.toEqual({ status: "parked", wakeAt: null });
    expect(children.started.slice(-1)).toEqual([{ stepId: "call", attempt: 2, inputs: {}, record: true }]);
    expect(retried.recorder.lines()[0]).toMatch(/^retrying call#1/);
  });

  it("cancelled while the child runs: the step is recorded cancelled", async () => {
    const children = new MemoryChildren();
    const run = startRun(plan(spec({ steps: [sub("call")] })), {
      subWorkflows: children,
      recorded: [waiting("call")],
    });
    run.cancel.abort("cancelled");
    await expect(run.outcome).resolves.toMatchObject({ status: "cancelled" });
    expect(run.recorder.lines()).toEqual(["cancelled call"]);
  });

  it("passes the step's timeout_seconds on to the child it starts", async () => {
    const children = new MemoryChildren();
    const run = startRun(plan(spec({ steps: [sub("call", [], { timeoutSeconds: 7 })] })), {
      subWorkflows: children,
    });
    await expect(run.result).resolves.toEqual({ status: "parked", wakeAt: null });
    expect(children.started).toMatchObject([{ stepId: "call", attempt: 1, timeoutSeconds: 7 }]);
  });

  it("without a port, a sub-workflow step fails", async () => {
    const run = startRun(plan(spec({ steps: [sub("call")] })));
    await expect(run.outcome).resolves.toMatchObject({ status: "failed", error: { code: "RUNNER_ERROR" } });
  });
});
