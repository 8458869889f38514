import { ErrorStrategy } from "@mcp/proto/workflows";
import { StepFailure, type StepFailureCode } from "../step/index.js";
import { plan, result, spec, startRun, step } from "./testing/index.js";

/** A behaviour failing with `code` on the first `failures` attempts, then succeeding. */
const flaky =
  (failures: number, code: StepFailureCode = "NONZERO_EXIT") =>
  ({ attempt }: { attempt: number }) =>
    attempt <= failures
      ? Promise.reject(new StepFailure(code, `attempt ${attempt} failed`, { stdout: `out ${attempt}` }))
      : Promise.resolve(result({ attempt }));

const retrying = { strategy: ErrorStrategy.RETRY };

describe("runPlan › RETRY", () => {
  it("retries with increasing attempt numbers and jittered exponential backoff", async () => {
    const errorHandling = {
      ...retrying,
      retry: { initialBackoffMs: 100, backoffMultiplier: 3, maxBackoffMs: 250 },
    };
    const run = startRun(plan(spec({ steps: [step("a")], errorHandling })));
    run.runners.on("a", flaky(2));

    await expect(run.outcome).resolves.toMatchObject({ status: "succeeded" });
    // random() = 0.5: retry 1 waits 100 → 75; retry 2 waits min(250, 300) → 187.5 → 188.
    expect(run.recorder.lines()).toEqual([
      "started a#1",
      "retrying a#1 NONZERO_EXIT in 75ms",
      "started a#2",
      "retrying a#2 NONZERO_EXIT in 188ms",
      "started a#3",
      "succeeded a#3",
    ]);
    expect(run.sleeps).toEqual([75, 188]);
    expect(run.recorder.calls[1]).toMatchObject({
      error: { message: "attempt 1 failed", stepId: "a" },
      output: { stdout: "out 1" },
    });
  });

  it("uses the injected random source for jitter", async () => {
    const run = startRun(plan(spec({ steps: [step("a")], errorHandling: retrying })), {
      options: { random: () => 0 },
    });
    run.runners.on("a", flaky(3));

    await run.outcome;
    expect(run.recorder.lines()).toContain("retrying a#1 NONZERO_EXIT in 250ms");
    expect(run.sleeps).toEqual([250, 500, 1000]);
  });

  it("fails the step after max_retries more attempts (3 by default) and then stops the run", async () => {
    const run = startRun(plan(spec({ steps: [step("a"), step("b")], errorHandling: retrying })));
    run.runners.on("a", flaky(99));

    await expect(run.outcome).resolves.toMatchObject({
      status: "failed",
      error: { code: "NONZERO_EXIT", message: "attempt 4 failed" },
    });
    expect(run.runners.started()).toEqual(["a#1", "a#2", "a#3", "a#4"]);
    expect(run.recorder.lines().slice(-2)).toEqual(["failed a#4 NONZERO_EXIT", "skipped b"]);
  });

  it("lets a step's retry policy override the workflow's field by field", async () => {
    const errorHandling = { ...retrying, retry: { maxRetries: 1, initialBackoffMs: 40 } };
    const steps = [step("a", { retry: { maxRetries: 2 } }), step("b")];
    const run = startRun(plan(spec({ steps, errorHandling })), { options: { random: () => 1 } });
    run.runners.on("a", flaky(2)).on("b", flaky(5));

    await run.outcome;
    expect(run.runners.started()).toEqual(["a#1", "a#2", "a#3", "b#1", "b#2"]);
    expect(run.sleeps).toEqual([40, 80, 40]);
  });

  it("retries a step that has its own retry policy even under STOP", async () => {
    const run = startRun(plan(spec({ steps: [step("a", { retry: { maxRetries: 1 } })] })));
    run.runners.on("a", flaky(1));

    await expect(run.outcome).resolves.toMatchObject({ status: "succeeded" });
    expect(run.runners.started()).toEqual(["a#1", "a#2"]);
  });

  it.each<StepFailureCode>(["CANCELLED", "UNSUPPORTED_MCP_TYPE"])("never retries %s", async (code) => {
    const run = startRun(plan(spec({ steps: [step("a")], errorHandling: retrying })));
    run.runners.on("a", flaky(1, code));

    await expect(run.outcome).resolves.toMatchObject({ status: "failed", error: { code } });
    expect(run.recorder.lines()).toEqual(["started a#1", `failed a#1 ${code}`]);
  });
});
