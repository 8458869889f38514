import { ExecutionMode } from "@mcp/proto/workflows";
import { FakeRunners, plan, result, settle, spec, startRun, step } from "./testing/index.js";

const parallel = ExecutionMode.PARALLEL;

describe("runPlan › order", () => {
  it("runs sequential steps one at a time in dependency order, ties in declared order", async () => {
    const steps = [step("c", { dependsOn: ["a"] }), step("a"), step("b"), step("d", { dependsOn: ["c"] })];
    const run = startRun(plan(spec({ steps, executionMode: ExecutionMode.SEQUENTIAL })));

    await expect(run.outcome).resolves.toMatchObject({ status: "succeeded" });
    expect(run.runners.started()).toEqual(["a#1", "c#1", "b#1", "d#1"]);
    expect(run.runners.peak).toBe(1);
    expect(run.recorder.lines()).toEqual([
      "started a#1",
      "succeeded a#1",
      "started c#1",
      "succeeded c#1",
      "started b#1",
      "succeeded b#1",
      "started d#1",
      "succeeded d#1",
    ]);
  });

  it("treats an unspecified execution mode as sequential", async () => {
    const runners = new FakeRunners().manualSteps("a", "b");
    const run = startRun(plan(spec({ steps: [step("a"), step("b")] })), { runners });

    const a = await runners.attemptOf("a");
    await settle();
    expect(runners.started()).toEqual(["a#1"]);
    a.result.resolve(result());
    (await runners.attemptOf("b")).result.resolve(result());
    await run.outcome;
    expect(runners.peak).toBe(1);
  });

  it("starts every ready parallel step at once", async () => {
    const runners = new FakeRunners().manualSteps("a", "b", "c");
    const run = startRun(plan(spec({ executionMode: parallel, steps: [step("a"), step("b"), step("c")] })), {
      runners,
    });

    const attempts = await Promise.all(["a", "b", "c"].map((id) => runners.attemptOf(id)));
    expect(runners.running).toBe(3);
    for (const attempt of attempts) attempt.result.resolve(result());
    await expect(run.outcome).resolves.toMatchObject({ status: "succeeded" });
    expect(runners.peak).toBe(3);
  });

  it("never runs more parallel steps than maxParallelism", async () => {
    const ids = ["a", "b", "c", "d", "e"];
    const runners = new FakeRunners().manualSteps(...ids);
    const run = startRun(
      plan(spec({ executionMode: parallel, maxParallelism: 2, steps: ids.map((id) => step(id)) })),
      { runners },
    );

    await settle();
    expect(runners.started()).toEqual(["a#1", "b#1"]);
    (await runners.attemptOf("b")).result.resolve(result());
    await settle();
    expect(runners.started()).toEqual(["a#1", "b#1", "c#1"]);
    for (const id of ["a", "c", "d", "e"]) (await runners.attemptOf(id)).result.resolve(result());
    await expect(run.outcome).resolves.toMatchObject({ status: "succeeded" });
    expect(runners.peak).toBe(2);
  });

  it("bounds parallel steps by options.defaultMaxParallelism, else 8, when the spec says nothing", async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `s${i}`);
    const steps = ids.map((id) => step(id));
    const counted = async (defaultMaxParallelism: number | undefined): Promise<number> => {
      const runners = new FakeRunners().manualSteps(...ids);
      const run = startRun(plan(spec({ executionMode: parallel, steps })), {
        runners,
        options: { defaultMaxParallelism },
      });
      await settle();
      const running = runners.running;
      for (const id of ids) (await runners.attemptOf(id)).result.resolve(result());
      await run.outcome;
      return running;
    };
    expect(await counted(3)).toBe(3);
    expect(await counted(undefined)).toBe(8);
  });

  it("starts a dependent only after its producer's stepSucceeded has committed", async () => {
    const run = startRun(
      plan(spec({ executionMode: parallel, steps: [step("a"), step("b", { dependsOn: ["a"] })] })),
    );
    const commit = run.recorder.hold((call) => call.method === "stepSucceeded" && call.stepId === "a");

    await settle();
    expect(run.recorder.lines()).toEqual(["started a#1", "succeeded a#1"]);
    expect(run.runners.started()).toEqual(["a#1"]);
    commit.resolve();
    await run.outcome;
    expect(run.runners.started()).toEqual(["a#1", "b#1"]);
  });

  it("waits for every dependency of a parallel step", async () => {
    const runners = new FakeRunners().manualSteps("b");
    const steps = [step("a"), step("b"), step("c", { dependsOn: ["a", "b"] })];
    const run = startRun(plan(spec({ executionMode: parallel, steps })), { runners });

    await settle();
    expect(run.recorder.lines()).toContain("succeeded a#1");
    expect(runners.started()).not.toContain("c#1");
    (await runners.attemptOf("b")).result.resolve(result());
    await run.outcome;
    expect(runners.started()).toEqual(["a#1", "b#1", "c#1"]);
  });
});
