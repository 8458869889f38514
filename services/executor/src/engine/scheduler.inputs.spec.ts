import { ErrorStrategy } from "@mcp/proto/workflows";
import { from, plan, result, spec, startRun, step } from "./testing/index.js";

describe("runPlan › inputs", () => {
  it("gives each runner its inputs from static values, workflow inputs and upstream outputs", async () => {
    const steps = [
      step("a"),
      step("b", {
        dependsOn: ["a"],
        inputs: {
          n: from.value(3),
          topic: from.input("topic"),
          text: from.step("a", "text"),
          all: from.step("a"),
        },
      }),
    ];
    const run = startRun(plan(spec({ steps }), { topic: "cats" }));
    run.runners.on("a", () => result({ text: "hello", extra: 1 }));

    await expect(run.outcome).resolves.toMatchObject({ status: "succeeded" });
    const b = await run.runners.attemptOf("b");
    expect(b.context.inputs).toEqual({
      n: 3,
      topic: "cats",
      text: "hello",
      all: { text: "hello", extra: 1 },
    });
    expect(run.recorder.calls).toContainEqual({
      method: "stepStarted",
      stepId: "b",
      attempt: 1,
      inputs: b.context.inputs,
    });
  });

  it("records a missing workflow input as a MISSING_INPUT failure without starting the step", async () => {
    const run = startRun(plan(spec({ steps: [step("a", { inputs: { q: from.input("question") } })] })));

    const outcome = await run.outcome;
    expect(run.recorder.lines()).toEqual(["failed a#1 MISSING_INPUT"]);
    expect(run.runners.started()).toEqual([]);
    expect(outcome).toMatchObject({ status: "failed", error: { code: "MISSING_INPUT", stepId: "a" } });
    expect(outcome.error?.message).toContain('"question"');
  });

  it("records a missing upstream output as MISSING_INPUT naming the producer and the output", async () => {
    const steps = [step("a"), step("b", { dependsOn: ["a"], inputs: { q: from.step("a", "summary") } })];
    const run = startRun(plan(spec({ steps })));

    const outcome = await run.outcome;
    expect(run.recorder.lines()).toEqual(["started a#1", "succeeded a#1", "failed b#1 MISSING_INPUT"]);
    expect(outcome.error?.message).toContain('output "summary" of step "a"');
  });

  it("does not retry a missing input, even under RETRY", async () => {
    const workflow = spec({
      errorHandling: { strategy: ErrorStrategy.RETRY },
      steps: [step("a", { inputs: { q: from.input("nope") } })],
    });
    const run = startRun(plan(workflow));

    await expect(run.outcome).resolves.toMatchObject({ status: "failed", error: { code: "MISSING_INPUT" } });
    expect(run.recorder.lines()).toEqual(["failed a#1 MISSING_INPUT"]);
    expect(run.sleeps).toEqual([]);
  });
});
