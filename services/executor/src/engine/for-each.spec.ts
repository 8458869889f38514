import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { ErrorStrategy, ForEachSchema, StepInputSchema, type Step } from "@mcp/proto/workflows";
import { StepFailure, type JsonObject, type JsonValue, type StepContext } from "../step/index.js";
import { MAX_FOR_EACH_ITEMS } from "./for-each.js";
import { deferred, from, plan, result, spec, startRun, step, type StepOptions } from "./testing/index.js";
import type { RecordedStep } from "./types.js";

const item = (path = "") => create(StepInputSchema, { source: { case: "item", value: path } });
const itemIndex = () => create(StepInputSchema, { source: { case: "itemIndex", value: true } });

/** A step `each` iterating over workflow input `list` (or what `forEach` says). */
function eachStep(
  forEach: MessageInitShape<typeof ForEachSchema> = { source: { case: "workflowInput", value: "list" } },
  options: StepOptions = {},
): Step {
  const s = step("each", { inputs: { value: item(), i: itemIndex(), fixed: from.value("f") }, ...options });
  s.forEach = create(ForEachSchema, forEach);
  return s;
}

/** A runner behaviour: outputs the inputs. */
const echo = (context: StepContext) => result({ ...context.inputs });

function runEach(list: JsonValue, each = eachStep(), recorded: RecordedStep[] = [], errorHandling = {}) {
  const run = startRun(plan(spec({ steps: [each], inputs: [{ name: "list" }], errorHandling }), { list }), {
    recorded,
  });
  return run;
}

const itemLines = (lines: string[]) => lines.filter((l) => l.startsWith("item "));

describe("runPlan › for_each", () => {
  it("runs the MCP once per item with item and item_index inputs; outputs the item outputs in order", async () => {
    const run = runEach(["a", "b", "c"]);
    for (let i = 0; i < 3; i++) run.runners.on(`each[${i}]`, echo);

    const outcome = await run.outcome;
    expect(outcome.status).toBe("succeeded");
    const succeeded = run.recorder.calls.find((c) => c.method === "stepSucceeded");
    expect(succeeded).toMatchObject({
      stepId: "each",
      result: {
        outputs: {
          items: [
            { value: "a", i: 0, fixed: "f" },
            { value: "b", i: 1, fixed: "f" },
            { value: "c", i: 2, fixed: "f" },
          ],
        },
      },
    });
    expect(run.recorder.lines()[0]).toBe("for-each each#1 3 items");
    expect(run.runners.started().sort()).toEqual(["each[0]#1", "each[1]#1", "each[2]#1"]);
  });

  it("reads the list from an upstream step's output through a path, and item fields by path", async () => {
    const each = eachStep(
      { source: { case: "stepOutput", value: { stepId: "list", output: "data" } }, path: "docs" },
      { dependsOn: ["list"], inputs: { title: item("meta.title") } },
    );
    const run = startRun(plan(spec({ steps: [step("list"), each] })));
    run.runners.on("list", () =>
      result({ data: { docs: [{ meta: { title: "x" } }, { meta: { title: "y" } }] } }),
    );
    run.runners.on("each[0]", echo).on("each[1]", echo);

    await expect(run.outcome).resolves.toMatchObject({ status: "succeeded" });
    const succeeded = run.recorder.calls.filter((c) => c.method === "stepSucceeded").at(-1);
    expect(succeeded).toMatchObject({ result: { outputs: { items: [{ title: "x" }, { title: "y" }] } } });
  });

  it("runs at most max_concurrency items at once (default 8)", async () => {
    const slow = async (context: StepContext) => {
      await new Promise((resolve) => setTimeout(resolve, 2));
      return result({ i: context.inputs["i"] ?? null });
    };
    const run = runEach(
      Array.from({ length: 30 }, (_, i) => i),
      eachStep({ source: { case: "workflowInput", value: "list" }, maxConcurrency: 3 }),
    );
    for (let i = 0; i < 30; i++) run.runners.on(`each[${i}]`, slow);
    await expect(run.outcome).resolves.toMatchObject({ status: "succeeded" });
    expect(run.runners.peak).toBe(3);

    const byDefault = runEach(Array.from({ length: 30 }, (_, i) => i));
    for (let i = 0; i < 30; i++) byDefault.runners.on(`each[${i}]`, slow);
    await byDefault.outcome;
    expect(byDefault.runners.peak).toBe(8);
  });

  it("fails with FOR_EACH_NOT_A_LIST naming the path and the type found, without running an item", async () => {
    const run = runEach(
      { docs: { n: 1 } },
      eachStep({ source: { case: "workflowInput", value: "list" }, path: "docs" }),
    );
    const outcome = await run.outcome;
    expect(outcome).toMatchObject({
      status: "failed",
      error: { code: "FOR_EACH_NOT_A_LIST", stepId: "each" },
    });
    expect(outcome.error?.message).toContain('path "docs" of workflow input "list" is an object, not a list');
    expect(run.runners.attempts).toHaveLength(0);

    const missing = runEach({}, eachStep({ source: { case: "workflowInput", value: "list" }, path: "a.b" }));
    const failed = await missing.outcome;
    expect(failed.error?.code).toBe("FOR_EACH_NOT_A_LIST");
    expect(failed.error?.message).toContain('path "a.b"');

    const text = await runEach("abc").outcome;
    expect(text.error?.message).toContain('workflow input "list" is a string, not a list');
  });

  it("fails with FOR_EACH_TOO_LARGE over 10,000 items", async () => {
    const run = runEach(Array.from({ length: MAX_FOR_EACH_ITEMS + 1 }, () => 0));
    const outcome = await run.outcome;
    expect(outcome.error?.code).toBe("FOR_EACH_TOO_LARGE");
    expect(outcome.error?.message).toContain("10001 items");
    expect(run.runners.attempts).toHaveLength(0);
  });

  it("succeeds with no items for an empty list", async () => {
    const run = runEach([]);
    await expect(run.outcome).resolves.toMatchObject({ status: "succeeded" });
    const succeeded = run.recorder.calls.find((c) => c.method === "stepSucceeded");
    expect(succeeded).toMatchObject({ result: { outputs: { items: [] } } });
  });

  it("CONTINUE: a failed item is recorded FAILED, its slot null; the other items run, the step succeeds and the run partially", async () => {
    const run = runEach([0, 1, 2], eachStep(undefined, { onError: ErrorStrategy.CONTINUE }));
    run.runners.on("each[0]", echo).on("each[2]", echo);
    run.runners.on("each[1]", () => Promise.reject(new StepFailure("NONZERO_EXIT", "boom")));

    await expect(run.outcome).resolves.toMatchObject({
      status: "partially_succeeded",
      error: { code: "NONZERO_EXIT", stepId: "each", message: "item 1 of 3 failed: boom" },
    });
    expect(itemLines(run.recorder.lines())).toContain("item failed each[1]#1 NONZERO_EXIT");
    const succeeded = run.recorder.calls.find((c) => c.method === "stepSucceeded");
    expect(succeeded).toMatchObject({
      result: { outputs: { items: [{ value: 0 }, null, { value: 2 }] } },
    });
  });

  it("resumed after a for_each step succeeded with a failed item: the run is still partially successful", async () => {
    const recorded: RecordedStep[] = [
      {
        stepId: "each",
        status: "succeeded",
        attempt: 1,
        outputs: { items: [{ value: 0 }, null] },
        items: [
          { index: 0, status: "succeeded", attempt: 1, outputs: { value: 0 } },
          {
            index: 1,
            status: "failed",
            attempt: 1,
            outputs: null,
            error: { code: "NONZERO_EXIT", message: "boom" },
          },
        ],
      },
    ];
    const run = runEach([0, 1], eachStep(undefined, { onError: ErrorStrategy.CONTINUE }), recorded);
    await expect(run.outcome).resolves.toMatchObject({
      status: "partially_succeeded",
      error: { code: "NONZERO_EXIT", stepId: "each", message: "item 1 failed: boom" },
    });
    expect(run.recorder.lines()).toEqual([]);
  });

  it("CONTINUE: the step fails when every item failed", async () => {
    const run = runEach([0, 1], eachStep(undefined, { onError: ErrorStrategy.CONTINUE }));
    const boom = () => Promise.reject(new StepFailure("NONZERO_EXIT", "boom"));
    run.runners.on("each[0]", boom).on("each[1]", boom);
    const outcome = await run.outcome;
    expect(outcome).toMatchObject({ status: "failed", error: { code: "NONZERO_EXIT", stepId: "each" } });
    expect(outcome.error?.message).toContain("all 2 items failed");
  });

  it("STOP: once an item failed no new item starts, running ones finish; the step fails naming the item", async () => {
    const list = Array.from({ length: 10 }, (_, i) => i);
    const run = runEach(
      list,
      eachStep({ source: { case: "workflowInput", value: "list" }, maxConcurrency: 2 }),
    );
    const gate = deferred<void>();
    run.runners.on("each[0]", async (context) => {
      await gate.promise;
      return echo(context);
    });
    run.runners.on("each[1]", () => {
      setTimeout(() => gate.resolve(), 5);
      return Promise.reject(new StepFailure("NONZERO_EXIT", "boom"));
    });
    const outcome = await run.outcome;
    expect(outcome).toMatchObject({ status: "failed", error: { code: "NONZERO_EXIT", stepId: "each" } });
    expect(outcome.error?.message).toContain("item 1 of 10 failed: boom");
    expect(run.runners.started().sort()).toEqual(["each[0]#1", "each[1]#1"]);
    expect(itemLines(run.recorder.lines())).toContain("item succeeded each[0]#1");
  });

  it("retries each item by the step's policy", async () => {
    const run = runEach([0, 1], eachStep(undefined, { retry: { maxRetries: 2 } }));
    let calls = 0;
    run.runners.on("each[0]", echo);
    run.runners.on("each[1]", (context) =>
      ++calls < 3 ? Promise.reject(new StepFailure("NONZERO_EXIT", "flaky")) : echo(context),
    );
    await expect(run.outcome).resolves.toMatchObject({ status: "succeeded" });
    expect(run.runners.started().filter((s) => s.startsWith("each[1]"))).toEqual([
      "each[1]#1",
      "each[1]#2",
      "each[1]#3",
    ]);
    expect(itemLines(run.recorder.lines()).filter((l) => l.includes("each[1]"))).toEqual([
      "item running each[1]#1",
      "item retrying each[1]#1 NONZERO_EXIT",
      "item running each[1]#2",
      "item retrying each[1]#2 NONZERO_EXIT",
      "item running each[1]#3",
      "item succeeded each[1]#3",
    ]);
  });

  it("resume: items recorded succeeded keep their outputs and do not run again", async () => {
    const recorded: RecordedStep[] = [
      {
        stepId: "each",
        status: "running",
        attempt: 1,
        outputs: null,
        items: [
          { index: 0, status: "succeeded", attempt: 1, outputs: { kept: 0 } },
          { index: 1, status: "running", attempt: 1, outputs: null },
          { index: 3, status: "succeeded", attempt: 2, outputs: { kept: 3 } },
        ],
      },
    ];
    const run = runEach([0, 1, 2, 3], eachStep(), recorded);
    for (let i = 0; i < 4; i++) run.runners.on(`each[${i}]`, echo);
    await expect(run.outcome).resolves.toMatchObject({ status: "succeeded" });
    expect(run.runners.started().sort()).toEqual(["each[1]#2", "each[2]#1"]);
    const succeeded = run.recorder.calls.find((c) => c.method === "stepSucceeded");
    const outputs: JsonObject = succeeded?.method === "stepSucceeded" ? succeeded.result.outputs : {};
    expect(outputs["items"]).toEqual([
      { kept: 0 },
      { value: 1, i: 1, fixed: "f" },
      { value: 2, i: 2, fixed: "f" },
      { kept: 3 },
    ]);
    expect(run.recorder.lines()[0]).toBe("for-each each#2 4 items");
  });

  it("cancel: running items are recorded cancelled and the step is interrupted", async () => {
    const run = runEach(
      [0, 1, 2],
      eachStep({ source: { case: "workflowInput", value: "list" }, maxConcurrency: 2 }),
    );
    run.runners.manualSteps("each[0]", "each[1]", "each[2]");
    await run.runners.attemptOf("each[1]");
    run.cancel.abort("cancelled");
    await expect(run.outcome).resolves.toMatchObject({ status: "cancelled" });
    const lines = itemLines(run.recorder.lines());
    expect(lines).toContain("item cancelled each[0]#1 CANCELLED");
    expect(lines).toContain("item cancelled each[1]#1 CANCELLED");
    expect(run.runners.started()).not.toContain("each[2]#1");
    expect(run.recorder.lines()).toContain("cancelled each");
  });
});
