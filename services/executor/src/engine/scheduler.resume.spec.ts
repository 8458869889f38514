import { ErrorStrategy } from "@mcp/proto/workflows";
import { from, plan, spec, startRun, step } from "./testing/index.js";
import type { RecordedStep } from "./types.js";

const steps = [
  step("a"),
  step("b", { dependsOn: ["a"], inputs: { text: from.step("a", "out") } }),
  step("c", { dependsOn: ["b"] }),
];
const recorded = (
  stepId: string,
  status: RecordedStep["status"],
  attempt: number,
  extra: Partial<RecordedStep> = {},
): RecordedStep => ({
  stepId,
  status,
  attempt,
  outputs: null,
  ...extra,
});

describe("runPlan › resume", () => {
  it("never runs a recorded succeeded step again and feeds its recorded outputs to dependents", async () => {
    const run = startRun(plan(spec({ steps })), {
      recorded: [recorded("a", "succeeded", 1, { outputs: { out: "from before" } })],
    });

    await expect(run.outcome).resolves.toMatchObject({ status: "succeeded" });
    expect(run.runners.started()).toEqual(["b#1", "c#1"]);
    expect((await run.runners.attemptOf("b")).context.inputs).toEqual({ text: "from before" });
  });

  it.each<RecordedStep["status"]>(["running", "retrying"])(
    "re-runs a step interrupted while %s with the next attempt number",
    async (status) => {
      const run = startRun(plan(spec({ steps })), {
        recorded: [
          recorded("a", "succeeded", 1, { outputs: { out: "x" } }),
          recorded("b", status, 2),
          recorded("c", "pending", 0),
        ],
      });

      await expect(run.outcome).resolves.toMatchObject({ status: "succeeded" });
      expect(run.runners.started()).toEqual(["b#3", "c#1"]);
      expect(run.recorder.lines()[0]).toBe("started b#3");
    },
  );

  it("counts the attempts made before the crash against the retry budget", async () => {
    const workflow = spec({
      steps: [step("a")],
      errorHandling: { strategy: ErrorStrategy.RETRY, retry: { maxRetries: 2 } },
    });
    const run = startRun(plan(workflow), { recorded: [recorded("a", "retrying", 2)] });
    run.runners.on("a", () => Promise.reject(new Error("still broken")));

    await expect(run.outcome).resolves.toMatchObject({ status: "failed", error: { code: "RUNNER_ERROR" } });
    expect(run.runners.started()).toEqual(["a#3"]);
  });

  it("starts nothing after a recorded failure under STOP, skipping the undecided steps, and reports the recorded error", async () => {
    const error = { code: "NONZERO_EXIT", message: "exit 2" };
    const run = startRun(plan(spec({ steps: [step("a"), step("x"), step("y")] })), {
      recorded: [recorded("a", "failed", 1, { error }), recorded("x", "running", 1)],
    });

    await expect(run.outcome).resolves.toEqual({
      status: "failed",
      outputs: {},
      error: { ...error, stepId: "a" },
    });
    expect(run.runners.started()).toEqual([]);
    expect(run.recorder.lines()).toEqual(["skipped x,y"]);
  });

  it("skips the undecided dependents of a recorded failure under CONTINUE and runs the rest", async () => {
    const workflow = spec({
      steps: [...steps, step("d")],
      errorHandling: { strategy: ErrorStrategy.CONTINUE },
    });
    const run = startRun(plan(workflow), { recorded: [recorded("a", "failed", 1)] });

    const outcome = await run.outcome;
    expect(run.recorder.lines()).toEqual(["skipped b,c", "started d#1", "succeeded d#1"]);
    expect(outcome).toMatchObject({
      status: "partially_succeeded",
      error: { code: "STEP_FAILED", stepId: "a" },
    });
  });

  it("does not record again the steps already recorded skipped", async () => {
    const workflow = spec({
      steps: [...steps, step("d")],
      errorHandling: { strategy: ErrorStrategy.CONTINUE },
    });
    const run = startRun(plan(workflow), {
      recorded: [
        recorded("a", "failed", 1),
        recorded("b", "skipped", 0),
        recorded("c", "skipped", 0),
        recorded("d", "succeeded", 1, { outputs: {} }),
      ],
    });

    await expect(run.outcome).resolves.toMatchObject({ status: "partially_succeeded" });
    expect(run.recorder.lines()).toEqual([]);
  });
});
