import { create } from "@bufbuild/protobuf";
import { ErrorStrategy, ExecutionMode, StepSchema, type Step } from "@mcp/proto/workflows";
import { from, MemoryWaits, plan, spec, startRun, step } from "./testing/index.js";
import type { RecordedStep } from "./types.js";

const seconds = (s: number) => ({ seconds: BigInt(s), nanos: 0 });
const sleep = (stepId: string, s: number, dependsOn: string[] = []): Step =>
  create(StepSchema, { stepId, dependsOn, sleep: { duration: seconds(s) } });
const signal = (stepId: string, name: string, dependsOn: string[] = [], timeout?: number): Step =>
  create(StepSchema, {
    stepId,
    dependsOn,
    waitForSignal: { signal: name, ...(timeout ? { timeout: seconds(timeout) } : {}) },
  });
const approval = (stepId: string, dependsOn: string[] = [], onError?: ErrorStrategy): Step =>
  create(StepSchema, { stepId, dependsOn, approval: { prompt: "ok?" }, ...(onError ? { onError } : {}) });
const waiting = (stepId: string, wakeAt: Date | null): RecordedStep => ({
  stepId,
  status: "waiting",
  attempt: 1,
  outputs: null,
  wakeAt,
});
const done = (stepId: string, outputs = {}): RecordedStep => ({
  stepId,
  status: "succeeded",
  attempt: 1,
  outputs,
});

describe("runPlan › waiting steps", () => {
  it("parks at a sleep (recorded waiting, nothing after it started) and resumes after it", async () => {
    const waits = new MemoryWaits();
    const steps = [step("a"), sleep("nap", 60, ["a"]), step("b", { dependsOn: ["nap"] })];
    const first = startRun(plan(spec({ steps })), { waits });
    const parked = await first.result;
    expect(parked).toMatchObject({ status: "parked" });
    expect(parked.status === "parked" && parked.wakeAt!.getTime() - Date.now()).toBeGreaterThan(55_000);
    expect(waits.waited).toMatchObject([{ stepId: "nap", kind: "sleep" }]);
    expect(first.runners.started()).toEqual(["a#1"]);

    const again = startRun(plan(spec({ steps })), {
      waits,
      recorded: [done("a"), waiting("nap", new Date(Date.now() - 1))],
    });
    await expect(again.outcome).resolves.toMatchObject({ status: "succeeded" });
    expect(again.runners.started()).toEqual(["b#1"]);
    expect(again.recorder.lines()).toEqual(["succeeded nap#1", "started b#1", "succeeded b#1"]);
  });

  it("stays parked while the recorded wake time has not come, recording nothing", async () => {
    const waits = new MemoryWaits();
    const at = new Date(Date.now() + 60_000);
    const run = startRun(plan(spec({ steps: [sleep("nap", 60)] })), {
      waits,
      recorded: [waiting("nap", at)],
    });
    await expect(run.result).resolves.toEqual({ status: "parked", wakeAt: at });
    expect(run.recorder.lines()).toEqual([]);
    expect(waits.waited).toEqual([]);
  });

  it("delivers a signal sent before the step waits, and each signal once in order", async () => {
    const waits = new MemoryWaits();
    waits.send("go", { n: 1 });
    waits.send("go", { n: 2 });
    const steps = [signal("one", "go"), signal("two", "go", ["one"]), signal("three", "go", ["two"])];
    const run = startRun(plan(spec({ steps })), { waits });
    await expect(run.result).resolves.toMatchObject({ status: "parked", wakeAt: null });
    const succeeded = run.recorder.calls.flatMap((c) =>
      c.method === "stepSucceeded" ? [[c.stepId, c.result.outputs]] : [],
    );
    expect(succeeded).toEqual([
      ["one", { payload: { n: 1 } }],
      ["two", { payload: { n: 2 } }],
    ]);
    expect(waits.waited.map((w) => w.stepId)).toEqual(["one", "two", "three"]);
  });

  it("fails a wait whose timeout passed with SIGNAL_TIMEOUT, and its strategy applies", async () => {
    const waits = new MemoryWaits();
    const steps = [signal("s", "go", [], 5), step("after", { dependsOn: ["s"] })];
    const run = startRun(plan(spec({ steps })), {
      waits,
      recorded: [waiting("s", new Date(Date.now() - 1))],
    });
    await expect(run.outcome).resolves.toMatchObject({
      status: "failed",
      error: { code: "SIGNAL_TIMEOUT", stepId: "s" },
    });
    expect(run.recorder.lines()).toEqual(["failed s#1 SIGNAL_TIMEOUT", "skipped after"]);
  });

  it("approves with who decided, and a rejection fails REJECTED under the step's strategy", async () => {
    const waits = new MemoryWaits();
    waits.decide("yes", { approved: true, decidedBy: "alice", comment: "fine" });
    waits.decide("no", { approved: false, decidedBy: "bob", comment: "not now" });
    const steps = [
      approval("yes"),
      approval("no", [], ErrorStrategy.CONTINUE),
      step("c", { dependsOn: ["no"] }),
    ];
    const run = startRun(plan(spec({ steps, executionMode: ExecutionMode.PARALLEL })), { waits });
    await expect(run.outcome).resolves.toMatchObject({
      status: "partially_succeeded",
      error: { code: "REJECTED", message: "rejected by bob: not now" },
    });
    const yes = run.recorder.calls.find((c) => c.method === "stepSucceeded" && c.stepId === "yes");
    expect(yes).toMatchObject({
      result: { outputs: { approved: true, decided_by: "alice", comment: "fine" } },
    });
  });

  it("PARALLEL: runs independent steps while one waits; SEQUENTIAL: starts nothing after it", async () => {
    const steps = [approval("ask"), step("free"), step("after", { dependsOn: ["ask"] })];
    const parallel = startRun(plan(spec({ steps, executionMode: ExecutionMode.PARALLEL })), {
      waits: new MemoryWaits(),
    });
    await expect(parallel.result).resolves.toMatchObject({ status: "parked" });
    expect(parallel.runners.started()).toEqual(["free#1"]);

    const sequential = startRun(plan(spec({ steps })), { waits: new MemoryWaits() });
    await expect(sequential.result).resolves.toMatchObject({ status: "parked" });
    expect(sequential.runners.started()).toEqual([]);
  });

  it("a cancelled parked run records the waiting step cancelled", async () => {
    const run = startRun(plan(spec({ steps: [approval("ask")] })), {
      waits: new MemoryWaits(),
      recorded: [waiting("ask", null)],
    });
    run.cancel.abort();
    await expect(run.outcome).resolves.toMatchObject({ status: "cancelled" });
    expect(run.recorder.lines()).toEqual(["cancelled ask"]);
  });

  it("counts the run timeout from the run's start: past it, the waiting step fails RUN_TIMEOUT", async () => {
    const run = startRun(plan(spec({ steps: [approval("ask")], timeoutSeconds: 10 })), {
      waits: new MemoryWaits(),
      recorded: [waiting("ask", null)],
      startedAt: new Date(Date.now() - 11_000),
    });
    await expect(run.outcome).resolves.toMatchObject({ status: "failed", error: { code: "RUN_TIMEOUT" } });
    expect(run.recorder.lines()).toEqual(["failed ask#1 RUN_TIMEOUT"]);
  });

  it("fails a sleep until a value that is not a timestamp with INVALID_TIMESTAMP", async () => {
    const until = create(StepSchema, { stepId: "nap", sleep: { until: from.value("tomorrow") } });
    const run = startRun(plan(spec({ steps: [until] })), { waits: new MemoryWaits() });
    await expect(run.outcome).resolves.toMatchObject({
      status: "failed",
      error: { code: "INVALID_TIMESTAMP" },
    });
  });

  it("ends a sleep until a past time at once", async () => {
    const until = create(StepSchema, { stepId: "nap", sleep: { until: from.value("2020-01-01T00:00:00Z") } });
    const run = startRun(plan(spec({ steps: [until] })), { waits: new MemoryWaits() });
    await expect(run.outcome).resolves.toMatchObject({ status: "succeeded" });
  });
});
