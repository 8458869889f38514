import { ErrorStrategy } from "@mcp/proto/workflows";
import { StepFailure } from "../step/index.js";
import { plan, result, spec, startRun, step } from "./testing/index.js";

describe("runPlan › final outputs", () => {
  it("returns each declared output from its producer, the whole outputs when no name is given", async () => {
    const outputs = [
      { name: "summary", stepId: "a", output: "text" },
      { name: "everything", stepId: "b", output: "" },
    ];
    const run = startRun(plan(spec({ steps: [step("a"), step("b")], outputs })));
    run.runners.on("a", () => result({ text: "short", other: 1 })).on("b", () => result({ x: [1, 2] }));

    await expect(run.outcome).resolves.toEqual({
      status: "succeeded",
      outputs: { summary: "short", everything: { x: [1, 2] } },
    });
  });

  it("fails an otherwise succeeded run with MISSING_OUTPUT naming the output that cannot be read", async () => {
    const outputs = [
      { name: "ok", stepId: "a", output: "out" },
      { name: "summary", stepId: "a", output: "text" },
    ];
    const run = startRun(plan(spec({ steps: [step("a")], outputs })));

    const outcome = await run.outcome;
    expect(outcome).toMatchObject({
      status: "failed",
      outputs: { ok: "a-out" },
      error: { code: "MISSING_OUTPUT", stepId: "a" },
    });
    expect(outcome.error?.message).toContain('"summary" (output "text" of step "a")');
  });

  it("omits an unreadable output from a partially succeeded run", async () => {
    const outputs = [
      { name: "fromA", stepId: "a", output: "out" },
      { name: "fromB", stepId: "b", output: "out" },
    ];
    const run = startRun(
      plan(
        spec({ steps: [step("a"), step("b")], outputs, errorHandling: { strategy: ErrorStrategy.CONTINUE } }),
      ),
    );
    run.runners.on("b", () => Promise.reject(new StepFailure("NONZERO_EXIT", "exit 1")));

    await expect(run.outcome).resolves.toMatchObject({
      status: "partially_succeeded",
      outputs: { fromA: "a-out" },
    });
  });

  it("succeeds with no outputs when the spec declares none", async () => {
    await expect(startRun(plan(spec({ steps: [step("a")] }))).outcome).resolves.toEqual({
      status: "succeeded",
      outputs: {},
    });
  });
});
