import { ErrorStrategy, ExecutionMode } from "@mcp/proto/workflows";
import { StepFailure } from "../step/index.js";
import { FakeRunners, plan, result, settle, spec, startRun, step } from "./testing/index.js";
import { LostOwnershipError } from "./types.js";

const parallel = ExecutionMode.PARALLEL;

describe("runPlan › timeouts", () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ["setImmediate", "nextTick", "queueMicrotask"] }));
  afterEach(() => jest.useRealTimers());

  it("aborts an attempt at the step's timeout and records TIMEOUT naming the limit, even if the runner said CANCELLED", async () => {
    const runners = new FakeRunners().manualSteps("a");
    const run = startRun(plan(spec({ steps: [step("a", { timeoutSeconds: 2 }), step("b")] })), { runners });
    const a = await runners.attemptOf("a");

    await jest.advanceTimersByTimeAsync(1999);
    expect(a.context.signal.aborted).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(a.context.signal.aborted).toBe(true);

    const outcome = await run.outcome;
    expect(run.recorder.lines()).toEqual(["started a#1", "failed a#1 TIMEOUT", "skipped b"]);
    expect(run.recorder.calls[1]).toMatchObject({ output: { stdout: "partial" } });
    expect(outcome).toMatchObject({ status: "failed", error: { code: "TIMEOUT", stepId: "a" } });
    expect(outcome.error?.message).toContain("timeout of 2s");
  });

  it("retries a timed-out attempt under RETRY", async () => {
    const runners = new FakeRunners().manualSteps("a");
    const run = startRun(
      plan(
        spec({ steps: [step("a", { timeoutSeconds: 1 })], errorHandling: { strategy: ErrorStrategy.RETRY } }),
      ),
      { runners },
    );

    await runners.attemptOf("a");
    await jest.advanceTimersByTimeAsync(1000);
    (await runners.attemptOf("a", 2)).result.resolve(result());
    await expect(run.outcome).resolves.toMatchObject({ status: "succeeded" });
    expect(run.recorder.lines()).toEqual([
      "started a#1",
      "retrying a#1 TIMEOUT in 375ms",
      "started a#2",
      "succeeded a#2",
    ]);
  });

  it("aborts everything at the run's timeout and fails the run with RUN_TIMEOUT", async () => {
    const runners = new FakeRunners().manualSteps("a", "b");
    const steps = [step("a"), step("b"), step("c", { dependsOn: ["a"] })];
    const run = startRun(plan(spec({ executionMode: parallel, timeoutSeconds: 5, steps })), { runners });
    const [a, b] = await Promise.all([runners.attemptOf("a"), runners.attemptOf("b")]);

    await jest.advanceTimersByTimeAsync(5000);
    expect([a.context.signal.aborted, b.context.signal.aborted]).toEqual([true, true]);

    const outcome = await run.outcome;
    expect(outcome).toMatchObject({ status: "failed", outputs: {}, error: { code: "RUN_TIMEOUT" } });
    expect(outcome.error?.message).toContain("5s");
    expect(run.recorder.lines()).toEqual([
      "started a#1",
      "started b#1",
      "failed a#1 RUN_TIMEOUT",
      "failed b#1 RUN_TIMEOUT",
      "skipped c",
    ]);
  });
});

describe("runPlan › cancel", () => {
  it("aborts in-flight attempts, records them and every never-started step cancelled, and ends cancelled", async () => {
    const runners = new FakeRunners().manualSteps("a", "b");
    const steps = [
      step("done"),
      step("a", { dependsOn: ["done"] }),
      step("b", { dependsOn: ["done"] }),
      step("c", { dependsOn: ["a"] }),
    ];
    const run = startRun(plan(spec({ executionMode: parallel, steps })), { runners });
    const [a, b] = await Promise.all([runners.attemptOf("a"), runners.attemptOf("b")]);

    run.cancel.abort("cancelled");
    expect([a.context.signal.aborted, b.context.signal.aborted]).toEqual([true, true]);

    await expect(run.outcome).resolves.toMatchObject({ status: "cancelled", outputs: {} });
    expect(run.recorder.lines()).toEqual([
      "started done#1",
      "succeeded done#1",
      "started a#1",
      "started b#1",
      "cancelled a,b",
      "cancelled c",
    ]);
    expect(run.recorder.calls.at(-1)).toMatchObject({ reason: "run cancelled" });
  });

  it("stops waiting for a retry when cancelled and never starts the next attempt", async () => {
    const runners = new FakeRunners().on("a", () =>
      Promise.reject(new StepFailure("NONZERO_EXIT", "exit 1")),
    );
    const cancel = { now: (): void => undefined };
    const sleep = (_ms: number, signal: AbortSignal): Promise<void> =>
      new Promise((_resolve, reject) => {
        signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true });
        cancel.now();
      });
    const run = startRun(
      plan(spec({ steps: [step("a")], errorHandling: { strategy: ErrorStrategy.RETRY } })),
      { runners, options: { sleep } },
    );
    cancel.now = () => run.cancel.abort("cancelled");

    await expect(run.outcome).resolves.toMatchObject({ status: "cancelled" });
    expect(run.recorder.lines()).toEqual([
      "started a#1",
      "retrying a#1 NONZERO_EXIT in 375ms",
      "cancelled a",
    ]);
  });

  it("records every step cancelled without running any when the signal is already aborted", async () => {
    const run = startRun(plan(spec({ steps: [step("a"), step("b")] })));
    run.cancel.abort("cancelled");

    await expect(run.outcome).resolves.toMatchObject({ status: "cancelled" });
    expect(run.runners.started()).toEqual([]);
    expect(run.recorder.lines()).toEqual(["cancelled a,b"]);
  });
});

describe("runPlan › lost ownership", () => {
  it("aborts every attempt at once and rejects with the recorder's LostOwnershipError, recording nothing more", async () => {
    const runners = new FakeRunners().manualSteps("a", "b");
    const recorderRun = startRun(
      plan(spec({ executionMode: parallel, steps: [step("a"), step("b"), step("c", { dependsOn: ["a"] })] })),
      { runners },
    );
    const lost = new LostOwnershipError("run-1");
    recorderRun.recorder.failWhen((call) => call.method === "stepSucceeded" && call.stepId === "a", lost);
    const [a, b] = await Promise.all([runners.attemptOf("a"), runners.attemptOf("b")]);

    a.result.resolve(result());
    await expect(recorderRun.outcome).rejects.toBe(lost);
    expect(b.context.signal.aborted).toBe(true);
    await settle();
    expect(recorderRun.recorder.lines()).toEqual(["started a#1", "started b#1", "succeeded a#1"]);
    expect(recorderRun.recorder.committed.map((c) => c.method)).toEqual(["stepStarted", "stepStarted"]);
    expect(runners.started()).not.toContain("c#1");
  });

  it("rejects without waiting for an attempt that ignores its signal", async () => {
    const runners = new FakeRunners().on("b", () => new Promise(() => undefined));
    const run = startRun(plan(spec({ executionMode: parallel, steps: [step("a"), step("b")] })), { runners });
    const lost = new LostOwnershipError("run-1");
    run.recorder.failWhen((call) => call.method === "stepSucceeded", lost);

    await expect(run.outcome).rejects.toBe(lost);
  });

  it("treats a LostOwnershipError as the cancel signal's reason the same way", async () => {
    const runners = new FakeRunners().manualSteps("a");
    const run = startRun(plan(spec({ steps: [step("a"), step("b")] })), { runners });
    const lost = new LostOwnershipError("run-1");
    await runners.attemptOf("a");

    run.cancel.abort(lost);
    await expect(run.outcome).rejects.toBe(lost);
    await settle();
    expect(run.recorder.lines()).toEqual(["started a#1"]);
  });
});
