import { ErrorStrategy, ExecutionMode, type Step } from "@mcp/proto/workflows";
import { StepFailure } from "../step/index.js";
import { from, plan, result, spec, startRun, step, type StepOptions } from "./testing/index.js";
import type { RecordedStep } from "./types.js";

/** A step with a condition (and `run_if_skipped` when asked). */
function when(stepId: string, condition: string, init: StepOptions & { runIfSkipped?: boolean } = {}): Step {
  const { runIfSkipped = false, ...options } = init;
  return Object.assign(step(stepId, options), { when: condition, runIfSkipped });
}

/** classify → positive | negative (opposite conditions) → join (run_if_skipped). */
function branches(joinRunsIfSkipped: boolean): Step[] {
  return [
    step("classify", { inputs: { text: from.input("text") } }),
    when("positive", 'steps.classify.outputs.label == "positive"', { dependsOn: ["classify"] }),
    when("negative", 'steps.classify.outputs.label != "positive"', { dependsOn: ["classify"] }),
    step("after_negative", { dependsOn: ["negative"] }),
    Object.assign(
      step("join", {
        dependsOn: ["positive", "after_negative"],
        inputs: { a: from.step("positive", "text"), b: from.step("after_negative", "text") },
      }),
      { runIfSkipped: joinRunsIfSkipped },
    ),
  ];
}

describe("runPlan › conditions", () => {
  it.each([ExecutionMode.SEQUENTIAL, ExecutionMode.PARALLEL])(
    "runs the branch whose condition holds, skips the other down to the join, which runs with run_if_skipped (mode %s)",
    async (executionMode) => {
      const run = startRun(plan(spec({ executionMode, steps: branches(true) }), { text: "great" }));
      run.runners.on("classify", () => result({ label: "positive" }));
      run.runners.on("positive", () => result({ text: "yay" }));

      await expect(run.outcome).resolves.toEqual({ status: "succeeded", outputs: {} });
      expect(run.runners.started().sort()).toEqual(["classify#1", "join#1", "positive#1"]);
      expect(run.recorder.lines()).toEqual(
        expect.arrayContaining([
          "skipped negative CONDITION_FALSE",
          "skipped after_negative UPSTREAM_CONDITION_FALSE",
        ]),
      );
      expect(run.recorder.calls).toContainEqual(
        expect.objectContaining({
          stepIds: ["negative"],
          reason: 'condition false: steps.classify.outputs.label != "positive"',
        }),
      );
      // an input reading a step skipped by a condition is null
      expect((await run.runners.attemptOf("join")).context.inputs).toEqual({ a: "yay", b: null });
    },
  );

  it("skips a dependent of a condition-skipped step without run_if_skipped, and the run still succeeds", async () => {
    const run = startRun(plan(spec({ steps: branches(false) }), { text: "meh" }));
    run.runners.on("classify", () => result({ label: "negative" }));

    await expect(run.outcome).resolves.toMatchObject({ status: "succeeded" });
    expect(run.runners.started()).toEqual(["classify#1", "negative#1", "after_negative#1"]);
    expect(run.recorder.lines()).toEqual(
      expect.arrayContaining(["skipped positive CONDITION_FALSE", "skipped join UPSTREAM_CONDITION_FALSE"]),
    );
  });

  it("reads the run's inputs, and a true condition just runs the step", async () => {
    const steps = [when("a", "inputs.count > 2 && inputs.mode in ['fast', 'slow']")];
    const run = startRun(plan(spec({ steps }), { count: 3, mode: "fast" }));
    await expect(run.outcome).resolves.toMatchObject({ status: "succeeded" });
    expect(run.runners.started()).toEqual(["a#1"]);
  });

  it("fails the step with CONDITION_ERROR when the condition cannot be evaluated, under its strategy and without retry", async () => {
    const steps = [
      when("a", "inputs.missing == 1", { retry: { maxRetries: 3 } }),
      step("b"),
      step("c", { dependsOn: ["a"] }),
    ];
    const run = startRun(plan(spec({ steps, errorHandling: { strategy: ErrorStrategy.CONTINUE } }), {}));

    await expect(run.outcome).resolves.toMatchObject({
      status: "partially_succeeded",
      error: { code: "CONDITION_ERROR", stepId: "a" },
    });
    expect(run.runners.started()).toEqual(["b#1"]);
    expect(run.recorder.lines()).toEqual([
      "failed a#1 CONDITION_ERROR",
      "skipped c",
      "started b#1",
      "succeeded b#1",
    ]);
  });

  it("keeps today's behaviour for skips caused by a failure: run_if_skipped does not run their dependents", async () => {
    const steps = [step("a"), Object.assign(step("b", { dependsOn: ["a"] }), { runIfSkipped: true })];
    const run = startRun(plan(spec({ steps, errorHandling: { strategy: ErrorStrategy.CONTINUE } })));
    run.runners.on("a", () => {
      throw new StepFailure("NONZERO_EXIT", "exit 1");
    });

    await expect(run.outcome).resolves.toMatchObject({ status: "failed" });
    expect(run.recorder.lines()).toEqual(["started a#1", "failed a#1 NONZERO_EXIT", "skipped b"]);
  });

  it("leaves out a declared output of a condition-skipped step", async () => {
    const steps = [step("a"), when("b", "false")];
    const outputs = [
      { name: "fromA", stepId: "a", output: "x" },
      { name: "fromB", stepId: "b", output: "x" },
    ];
    const run = startRun(plan(spec({ steps, outputs })));
    run.runners.on("a", () => result({ x: 1 }));
    await expect(run.outcome).resolves.toEqual({ status: "succeeded", outputs: { fromA: 1 } });
  });

  it("on resume keeps a recorded condition skip: its dependents are decided the same way", async () => {
    const recorded: RecordedStep[] = [
      { stepId: "classify", status: "succeeded", attempt: 1, outputs: { label: "positive" } },
      { stepId: "positive", status: "running", attempt: 1, outputs: null },
      {
        stepId: "negative",
        status: "skipped",
        attempt: 0,
        outputs: null,
        error: { code: "CONDITION_FALSE", message: "condition false: …" },
      },
    ];
    const run = startRun(plan(spec({ steps: branches(true) }), { text: "great" }), { recorded });
    run.runners.on("positive", () => result({ text: "yay" }));

    await expect(run.outcome).resolves.toMatchObject({ status: "succeeded" });
    expect(run.runners.started()).toEqual(["positive#2", "join#1"]);
    expect(run.recorder.lines()).toContain("skipped after_negative UPSTREAM_CONDITION_FALSE");
  });

  it("on resume a skip recorded for another reason still skips its dependents", async () => {
    const recorded: RecordedStep[] = [
      { stepId: "classify", status: "succeeded", attempt: 1, outputs: { label: "positive" } },
      {
        stepId: "negative",
        status: "skipped",
        attempt: 0,
        outputs: null,
        error: { code: "SKIPPED", message: "x" },
      },
    ];
    const run = startRun(plan(spec({ steps: branches(true) })), { recorded });

    await expect(run.outcome).resolves.toMatchObject({ status: "partially_succeeded" });
    expect(run.runners.started()).toEqual(["positive#1"]);
  });
});
