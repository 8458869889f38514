import { create } from "@bufbuild/protobuf";
import { ErrorStrategy, StepInputSchema, StepSchema, type Step } from "@mcp/proto/workflows";
import { MemoryChildren, plan, spec, startRun } from "./testing/index.js";
import type { RecordedItem, RecordedStep } from "./types.js";

/** `each`: runs workflow "child" per item of input `list`, its item as input `n`. */
const each = (maxConcurrency: number, extra: Partial<Pick<Step, "onError" | "retry">> = {}): Step =>
  create(StepSchema, {
    stepId: "each",
    workflow: { workflow: { case: "name", value: "child" } },
    forEach: { source: { case: "workflowInput", value: "list" }, maxConcurrency },
    inputs: {
      n: create(StepInputSchema, { source: { case: "item", value: "" } }),
      i: create(StepInputSchema, { source: { case: "itemIndex", value: true } }),
    },
    ...extra,
  });
const waitingStep = (items: RecordedItem[]): RecordedStep => ({
  stepId: "each",
  status: "waiting",
  attempt: 1,
  outputs: null,
  items,
});
const waitingItem = (index: number, attempt = 1): RecordedItem => ({
  index,
  status: "waiting",
  attempt,
  outputs: null,
  childRunId: `each[${index}]-${attempt}`,
});
const succeeded = (outputs = {}) => ({ status: "succeeded" as const, outputs });
const failed = { status: "failed" as const, outputs: {}, error: { code: "X", message: "boom" } };
const list = { list: [10, 20, 30, 40] };

describe("runPlan › for_each over a sub-workflow", () => {
  it("starts a child run per item up to max_concurrency, each with its item, and parks", async () => {
    const children = new MemoryChildren();
    const run = startRun(plan(spec({ steps: [each(2)] }), list), { subWorkflows: children });
    await expect(run.result).resolves.toEqual({ status: "parked", wakeAt: null });
    expect(children.started).toEqual([
      { stepId: "each[0]", attempt: 1, inputs: { n: 10, i: 0 }, record: false },
      { stepId: "each[1]", attempt: 1, inputs: { n: 20, i: 1 }, record: false },
    ]);
    expect(children.itemWaits).toEqual(["each#1"]);
    expect(run.recorder.lines()).toEqual([
      "for-each each#1 4 items",
      "item waiting each[0]#1",
      "item waiting each[1]#1",
    ]);
  });

  it("resumed: an ended child frees its slot for the next item; once all ended, the outputs in item order", async () => {
    const children = new MemoryChildren();
    children.ends.set("each[1]-1", succeeded({ doubled: 40 }));
    const resumed = startRun(plan(spec({ steps: [each(2)] }), list), {
      subWorkflows: children,
      recorded: [waitingStep([waitingItem(0), waitingItem(1)])],
    });
    await expect(resumed.result).resolves.toEqual({ status: "parked", wakeAt: null });
    expect(children.started.map((c) => c.stepId)).toEqual(["each[2]"]);
    expect(resumed.recorder.lines()).toEqual(["item succeeded each[1]#1", "item waiting each[2]#1"]);

    for (const [id, doubled] of [
      ["each[0]-1", 20],
      ["each[2]-1", 60],
      ["each[3]-1", 80],
    ] as const)
      children.ends.set(id, succeeded({ doubled }));
    const done = startRun(plan(spec({ steps: [each(2)] }), list), {
      subWorkflows: children,
      recorded: [
        waitingStep([
          waitingItem(0),
          { index: 1, status: "succeeded", attempt: 1, outputs: { doubled: 40 } },
          waitingItem(2),
        ]),
      ],
    });
    await expect(done.outcome).resolves.toMatchObject({ status: "succeeded" });
    const success = done.recorder.calls.find((c) => c.method === "stepSucceeded");
    expect(success).toMatchObject({
      stepId: "each",
      result: { outputs: { items: [{ doubled: 20 }, { doubled: 40 }, { doubled: 60 }, { doubled: 80 }] } },
    });
    // item 3 was started in this drive and found ended at once (as after a crash)
    expect(children.started.map((c) => c.stepId)).toEqual(["each[2]", "each[3]"]);
  });

  it("under STOP a failed child starts no further item, waits for the ones in flight, then fails naming the item", async () => {
    const children = new MemoryChildren();
    children.ends.set("each[0]-1", failed);
    const first = startRun(plan(spec({ steps: [each(2)] }), list), {
      subWorkflows: children,
      recorded: [waitingStep([waitingItem(0), waitingItem(1)])],
    });
    await expect(first.result).resolves.toEqual({ status: "parked", wakeAt: null });
    expect(children.started).toEqual([]);

    children.ends.set("each[1]-1", succeeded());
    const last = startRun(plan(spec({ steps: [each(2)] }), list), {
      subWorkflows: children,
      recorded: [
        waitingStep([
          {
            index: 0,
            status: "failed",
            attempt: 1,
            outputs: null,
            error: {
              code: "SUBWORKFLOW_FAILED",
              message: "sub-workflow run each[0]-1 ended failed (X: boom)",
            },
          },
          waitingItem(1),
        ]),
      ],
    });
    await expect(last.outcome).resolves.toMatchObject({
      status: "failed",
      error: {
        code: "SUBWORKFLOW_FAILED",
        stepId: "each",
        message: "item 0 of 4 failed: sub-workflow run each[0]-1 ended failed (X: boom)",
      },
    });
    expect(children.started).toEqual([]);
  });

  it("under CONTINUE a failed item leaves a null slot, the others run; the run is partially successful", async () => {
    const children = new MemoryChildren();
    for (let i = 0; i < 4; i++) children.ends.set(`each[${i}]-1`, i === 2 ? failed : succeeded({ i }));
    const run = startRun(plan(spec({ steps: [each(4, { onError: ErrorStrategy.CONTINUE })] }), list), {
      subWorkflows: children,
    });
    await expect(run.outcome).resolves.toMatchObject({
      status: "partially_succeeded",
      error: { code: "SUBWORKFLOW_FAILED", stepId: "each" },
    });
    const success = run.recorder.calls.find((c) => c.method === "stepSucceeded");
    expect(success).toMatchObject({ result: { outputs: { items: [{ i: 0 }, { i: 1 }, null, { i: 3 }] } } });
  });

  it("under a retry policy a failed child is retried with a new child after the backoff", async () => {
    const children = new MemoryChildren();
    children.ends.set("each[0]-1", failed);
    const run = startRun(
      plan(spec({ steps: [each(1, { retry: { maxRetries: 1 } as Step["retry"] })] }), { list: [1] }),
      { subWorkflows: children, recorded: [waitingStep([waitingItem(0)])] },
    );
    await expect(run.result).resolves.toEqual({ status: "parked", wakeAt: null });
    expect(run.sleeps).toHaveLength(1);
    expect(children.started).toEqual([
      { stepId: "each[0]", attempt: 2, inputs: { n: 1, i: 0 }, record: false },
    ]);
    expect(run.recorder.lines()).toEqual([
      "item retrying each[0]#1 SUBWORKFLOW_FAILED",
      "item waiting each[0]#2",
    ]);
  });

  it("cancelled while children run: the step is recorded cancelled", async () => {
    const children = new MemoryChildren();
    const run = startRun(plan(spec({ steps: [each(2)] }), list), {
      subWorkflows: children,
      recorded: [waitingStep([waitingItem(0), waitingItem(1)])],
    });
    run.cancel.abort("cancelled");
    await expect(run.outcome).resolves.toMatchObject({ status: "cancelled" });
    expect(run.recorder.lines()).toEqual(["cancelled each"]);
  });

  it("a list that is not a list fails the step before any child starts", async () => {
    const children = new MemoryChildren();
    const run = startRun(plan(spec({ steps: [each(2)] }), { list: "no" }), { subWorkflows: children });
    await expect(run.outcome).resolves.toMatchObject({
      status: "failed",
      error: { code: "FOR_EACH_NOT_A_LIST" },
    });
    expect(children.started).toEqual([]);
  });
});
