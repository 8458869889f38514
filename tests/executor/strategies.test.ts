import { readFileSync, rmSync } from "node:fs";
import { sharedScratch } from "../support/scratch";
import { join } from "node:path";
import { RunStatus, StepStatus } from "@mcp/proto/executor";
import { ErrorStrategy, ExecutionMode } from "@mcp/proto/workflows";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { input, num, output, spec, step, str } from "../support/run-specs";
import { ECHO_SCRIPT, FAIL_SCRIPT, FLAKY_SCRIPT, SLEEP_SCRIPT, scriptConfig } from "../support/scripts";
import { waitFor } from "../support/wait-for";

describe("executor error handling", () => {
  let p: TestPlatform;
  let dir: string;
  const mcps = {
    echo: uniqueName("echo"),
    fail: uniqueName("fail"),
    flaky: uniqueName("flaky"),
    sleep: uniqueName("sleep"),
  };

  beforeAll(async () => {
    dir = sharedScratch("mcp-strategies-");
    p = await startPlatform({ executorEnv: { SANDBOX_WRITE_PATHS: dir } });
    await p.clients.registry.createMcp({ name: mcps.echo, config: scriptConfig(ECHO_SCRIPT) });
    await p.clients.registry.createMcp({ name: mcps.fail, config: scriptConfig(FAIL_SCRIPT) });
    await p.clients.registry.createMcp({ name: mcps.flaky, config: scriptConfig(FLAKY_SCRIPT) });
    await p.clients.registry.createMcp({ name: mcps.sleep, config: scriptConfig(SLEEP_SCRIPT) });
  });
  afterAll(async () => {
    await p.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(name: string, s: ReturnType<typeof spec>, inputs: Record<string, string> = {}) {
    await p.clients.workflows.createWorkflow({ name, spec: s });
    const res = await p.clients.executor.executeWorkflow({
      workflow: { workflow: { case: "name", value: name } },
      inputs,
      wait: true,
      waitTimeoutSeconds: 150,
    });
    return res.run!;
  }
  const statuses = (r: Awaited<ReturnType<typeof run>>) =>
    Object.fromEntries(r.steps.map((s) => [s.stepId, StepStatus[s.status]]));

  it("stop › fails the run at the first failure and skips every remaining step", async () => {
    const r = await run(
      uniqueName("stop"),
      spec([
        step("a", mcps.echo, { inputs: { text: str("x") } }),
        step("b", mcps.fail, { dependsOn: ["a"] }),
        step("c", mcps.echo, { dependsOn: ["b"], inputs: { text: str("y") } }),
      ]),
    );
    expect(r.status).toBe(RunStatus.FAILED);
    expect(statuses(r)).toEqual({ a: "SUCCEEDED", b: "FAILED", c: "SKIPPED" });
    expect(r.error?.stepId).toBe("b");
    expect(r.error?.message).toContain("deliberate failure");
    expect(r.steps.find((s) => s.stepId === "b")?.error?.code).toBe("SCRIPT_REPORTED_FAILURE");
  });

  it("continue › skips only the failed step's dependents and ends PARTIALLY_SUCCEEDED", async () => {
    const r = await run(
      uniqueName("continue"),
      spec(
        [
          step("bad", mcps.fail),
          step("after_bad", mcps.echo, { dependsOn: ["bad"], inputs: { text: str("never") } }),
          step("good", mcps.echo, { inputs: { text: str("fine") } }),
        ],
        { errorHandling: { strategy: ErrorStrategy.CONTINUE } },
      ),
    );
    expect(r.status).toBe(RunStatus.PARTIALLY_SUCCEEDED);
    expect(statuses(r)).toEqual({ bad: "FAILED", after_bad: "SKIPPED", good: "SUCCEEDED" });
  });

  it("continue › ends FAILED when no step succeeded", async () => {
    const r = await run(
      uniqueName("continue-all"),
      spec([step("a", mcps.fail), step("b", mcps.fail)], {
        errorHandling: { strategy: ErrorStrategy.CONTINUE },
      }),
    );
    expect(r.status).toBe(RunStatus.FAILED);
    expect(statuses(r)).toEqual({ a: "FAILED", b: "FAILED" });
  });

  it("retry › retries with backoff until the step succeeds and records the attempts", async () => {
    const counter = join(dir, "flaky-ok");
    const r = await run(
      uniqueName("retry"),
      spec([step("flaky", mcps.flaky, { inputs: { counter: str(counter), fail_times: num(2) } })], {
        errorHandling: {
          strategy: ErrorStrategy.RETRY,
          retry: { maxRetries: 3, initialBackoffMs: 50, backoffMultiplier: 2, maxBackoffMs: 200 },
        },
      }),
    );
    expect(r.status).toBe(RunStatus.SUCCEEDED);
    expect(r.steps[0]?.attempt).toBe(3);
    expect(r.steps[0]?.outputs).toEqual({ attempts: 3 });
    expect(readFileSync(counter, "utf8").trim().split("\n")).toHaveLength(3);
  });

  it("retry › fails the run once retries are exhausted (per-step override)", async () => {
    const counter = join(dir, "flaky-never");
    const r = await run(
      uniqueName("retry-out"),
      spec(
        [
          step("flaky", mcps.flaky, {
            inputs: { counter: str(counter), fail_times: num(10) },
            retry: { maxRetries: 1, initialBackoffMs: 10 },
          }),
        ],
        {
          errorHandling: { strategy: ErrorStrategy.RETRY, retry: { maxRetries: 5, initialBackoffMs: 10 } },
        },
      ),
    );
    expect(r.status).toBe(RunStatus.FAILED);
    expect(r.steps[0]?.attempt).toBe(2);
    expect(readFileSync(counter, "utf8").trim().split("\n")).toHaveLength(2);
  });

  it("fallback › starts the fallback workflow with the same inputs and links it to the failed run", async () => {
    const fallback = uniqueName("fallback-target");
    await p.clients.workflows.createWorkflow({
      name: fallback,
      spec: spec([step("rescue", mcps.echo, { inputs: { text: input("text") } })], {
        inputs: [{ name: "text", required: true }],
        outputs: [{ name: "text", stepId: "rescue", output: "text" }],
      }),
    });
    const r = await run(
      uniqueName("with-fallback"),
      spec([step("a", mcps.fail)], {
        inputs: [{ name: "text", required: true }],
        errorHandling: { strategy: ErrorStrategy.FALLBACK, fallbackWorkflow: fallback },
      }),
      { text: "saved" },
    );
    expect(r.status).toBe(RunStatus.FAILED);
    expect(r.fallbackRunId).not.toBe("");
    const fb = await waitFor(
      "the fallback run to end",
      async () => {
        const fallbackRun = (await p.clients.executor.getRun({ id: r.fallbackRunId })).run!;
        const ongoing = [RunStatus.PENDING, RunStatus.RUNNING].includes(fallbackRun.status);
        return ongoing ? undefined : fallbackRun;
      },
      { timeoutMs: 120_000, intervalMs: 100 },
    );
    expect(fb.status).toBe(RunStatus.SUCCEEDED);
    expect(fb.workflowName).toBe(fallback);
    expect(fb.inputs).toEqual({ text: "saved" });
    expect(fb.outputs).toEqual({ text: "saved" });
  });

  it("a step timeout kills the step and fails it saying so", async () => {
    const started = Date.now();
    const r = await run(
      uniqueName("timeout"),
      spec([step("slow", mcps.sleep, { inputs: { seconds: num(30) }, timeoutSeconds: 1 })]),
    );
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.status).toBe(RunStatus.FAILED);
    expect(r.steps[0]?.status).toBe(StepStatus.FAILED);
    expect(r.steps[0]?.error?.code).toBe("TIMEOUT");
  });

  it("parallel › runs independent steps at the same time (three 5 s sleeps overlap, under 15 s in all)", async () => {
    // 5 s sleeps: long enough that the three start before any ends even when a loaded machine starts
    // their sandboxes seconds apart; one after the other they could not take less than 15 s
    const started = Date.now();
    const r = await run(
      uniqueName("parallel"),
      spec(
        [
          step("s1", mcps.sleep, { inputs: { seconds: num(5) } }),
          step("s2", mcps.sleep, { inputs: { seconds: num(5) } }),
          step("s3", mcps.sleep, { inputs: { seconds: num(5) } }),
          step("join", mcps.echo, { dependsOn: ["s1", "s2", "s3"], inputs: { text: output("s1", "slept") } }),
        ],
        { executionMode: ExecutionMode.PARALLEL },
      ),
    );
    const elapsed = Date.now() - started;
    expect(r.status).toBe(RunStatus.SUCCEEDED);
    expect(elapsed).toBeLessThan(15_000);
    // the sleeps overlapped: each started before any other finished
    const windows = r.steps
      .filter((s) => s.stepId.startsWith("s"))
      .map((s) => [s.outputs!["started"] as number, s.outputs!["finished"] as number]);
    const latestStart = Math.max(...windows.map(([s]) => s!));
    const earliestEnd = Math.min(...windows.map(([, f]) => f!));
    expect(latestStart).toBeLessThan(earliestEnd);
    // the join ran after all three
    const join = r.steps.find((s) => s.stepId === "join")!;
    expect(Number(join.startTime!.seconds) * 1000 + join.startTime!.nanos / 1e6).toBeGreaterThanOrEqual(
      earliestEnd * 1000 - 5,
    );
  });
});
