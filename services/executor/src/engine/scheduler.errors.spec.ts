import { ErrorStrategy, ExecutionMode } from "@mcp/proto/workflows";
import { StepFailure } from "../step/index.js";
import { FakeRunners, plan, result, settle, spec, startRun, step } from "./testing/index.js";

const boom = (): never => {
  throw new StepFailure("NONZERO_EXIT", "exit 1", { stderr: "trace" });
};
const parallel = ExecutionMode.PARALLEL;

describe("runPlan › STOP", () => {
  it("by default skips every later step after a failure and fails the run with the step's error", async () => {
    const run = startRun(plan(spec({ steps: [step("a"), step("b"), step("c", { dependsOn: ["b"] })] })));
    run.runners.on("a", boom);

    const outcome = await run.outcome;
    expect(outcome).toEqual({
      status: "failed",
      outputs: {},
      error: { code: "NONZERO_EXIT", message: "exit 1", stepId: "a" },
    });
    expect(run.recorder.lines()).toEqual(["started a#1", "failed a#1 NONZERO_EXIT", "skipped b,c"]);
    expect(run.recorder.calls).toContainEqual(
      expect.objectContaining({ method: "stepFailed", output: { stderr: "trace" } }),
    );
    expect(run.recorder.calls.at(-1)).toMatchObject({
      reason: expect.stringContaining('step "a" failed') as unknown,
    });
  });

  it("lets in-flight steps finish and be recorded, but starts nothing new", async () => {
    const runners = new FakeRunners().manualSteps("a", "b");
    const steps = [step("a"), step("b"), step("c"), step("d", { dependsOn: ["b"] })];
    const run = startRun(
      plan(
        spec({
          executionMode: parallel,
          maxParallelism: 2,
          steps,
          errorHandling: { strategy: ErrorStrategy.STOP },
        }),
      ),
      {
        runners,
      },
    );

    (await runners.attemptOf("a")).result.reject(new StepFailure("NONZERO_EXIT", "exit 1"));
    await settle();
    expect((await runners.attemptOf("b")).context.signal.aborted).toBe(false);
    (await runners.attemptOf("b")).result.resolve(result());

    await expect(run.outcome).resolves.toMatchObject({ status: "failed", error: { stepId: "a" } });
    expect(runners.started()).toEqual(["a#1", "b#1"]);
    expect(run.recorder.lines()).toEqual([
      "started a#1",
      "started b#1",
      "failed a#1 NONZERO_EXIT",
      "succeeded b#1",
      "skipped c,d",
    ]);
  });

  it("treats a rejection that is not a StepFailure as RUNNER_ERROR with its message", async () => {
    const run = startRun(plan(spec({ steps: [step("a")] })));
    run.runners.on("a", () => Promise.reject(new TypeError("cannot read x")));

    await expect(run.outcome).resolves.toMatchObject({
      error: { code: "RUNNER_ERROR", message: "cannot read x", stepId: "a" },
    });
  });
});

describe("runPlan › CONTINUE", () => {
  const steps = [step("a"), step("b", { dependsOn: ["a"] }), step("c", { dependsOn: ["b"] }), step("d")];

  it("skips the failed step's transitive dependents, runs the rest, and ends partially_succeeded", async () => {
    const workflow = spec({
      steps,
      errorHandling: { strategy: ErrorStrategy.CONTINUE },
      outputs: [{ name: "d", stepId: "d", output: "out" }],
    });
    const run = startRun(plan(workflow));
    run.runners.on("a", boom);

    const outcome = await run.outcome;
    expect(run.recorder.lines()).toEqual([
      "started a#1",
      "failed a#1 NONZERO_EXIT",
      "skipped b,c",
      "started d#1",
      "succeeded d#1",
    ]);
    expect(run.recorder.calls[2]).toMatchObject({
      reason: expect.stringContaining('step "a", which failed') as unknown,
    });
    expect(outcome).toEqual({
      status: "partially_succeeded",
      outputs: { d: "d-out" },
      error: { code: "NONZERO_EXIT", message: "exit 1", stepId: "a" },
    });
  });

  it("fails the run with the first failure when no step succeeded", async () => {
    const run = startRun(
      plan(spec({ steps: [step("a"), step("b")], errorHandling: { strategy: ErrorStrategy.CONTINUE } })),
    );
    run.runners.on("a", boom).on("b", () => Promise.reject(new StepFailure("INVALID_OUTPUT", "bad json")));

    await expect(run.outcome).resolves.toEqual({
      status: "failed",
      outputs: {},
      error: { code: "NONZERO_EXIT", message: "exit 1", stepId: "a" },
    });
    expect(run.runners.started()).toEqual(["a#1", "b#1"]);
  });

  it("applies a step's own onError over the workflow's strategy", async () => {
    const run = startRun(plan(spec({ steps: [step("a", { onError: ErrorStrategy.CONTINUE }), step("b")] })));
    run.runners.on("a", boom);

    await expect(run.outcome).resolves.toMatchObject({ status: "partially_succeeded" });
  });
});

describe("runPlan › FALLBACK", () => {
  it("stops like STOP and names the fallback workflow in the outcome", async () => {
    const errorHandling = { strategy: ErrorStrategy.FALLBACK, fallbackWorkflow: "plan-b" };
    const run = startRun(plan(spec({ steps: [step("a"), step("b")], errorHandling })));
    run.runners.on("a", boom);

    await expect(run.outcome).resolves.toEqual({
      status: "failed",
      outputs: {},
      error: { code: "NONZERO_EXIT", message: "exit 1", stepId: "a" },
      fallbackWorkflow: "plan-b",
    });
    expect(run.recorder.lines()).toEqual(["started a#1", "failed a#1 NONZERO_EXIT", "skipped b"]);
  });

  it("names no fallback when the failing step itself says STOP", async () => {
    const errorHandling = { strategy: ErrorStrategy.FALLBACK, fallbackWorkflow: "plan-b" };
    const run = startRun(plan(spec({ steps: [step("a", { onError: ErrorStrategy.STOP })], errorHandling })));
    run.runners.on("a", boom);

    expect((await run.outcome).fallbackWorkflow).toBeUndefined();
  });
});
