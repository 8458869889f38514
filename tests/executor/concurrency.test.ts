import { randomUUID } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Code, createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ExecutorService, RunStatus, StepStatus, type WorkflowRun } from "@mcp/proto/executor";
import { errorDetails } from "@mcp/proto/grpc";
import { ExecutionMode } from "@mcp/proto/workflows";
import { ROOT, runCli, type CliResult } from "../support/cli";
import { expectCode, fieldsOf } from "../support/errors";
import { INTERVAL_SCRIPT, intervals, maxOverlap, overlaps } from "../support/intervals";
import { crashExecutor } from "../support/kill-executor";
import { uniqueName } from "../support/mcps";
import {
  executorEnv,
  spawnExecutor,
  startPlatform,
  type ExecutorProcess,
  type TestPlatform,
} from "../support/platform";
import { scriptConfig } from "../support/scripts";
import { sharedScratch } from "../support/scratch";
import { waitFor } from "../support/wait-for";

const staticString = (value: string) => ({
  source: { case: "staticValue" as const, value: { kind: { case: "stringValue" as const, value } } },
});
const workflowInput = (name: string) => ({ source: { case: "workflowInput" as const, value: name } });

const executorClient = (url: string): Client<typeof ExecutorService> =>
  createClient(ExecutorService, createGrpcTransport({ baseUrl: url }));

const finished = (run: WorkflowRun | undefined): boolean =>
  run !== undefined && run.status !== RunStatus.PENDING && run.status !== RunStatus.RUNNING;

describe("concurrency limits (max_concurrency, concurrency_key) on 2 executor processes", () => {
  let p: TestPlatform;
  let dir: string;
  let a: ExecutorProcess;
  let b: ExecutorProcess;
  let viaA: Client<typeof ExecutorService>;
  let viaB: Client<typeof ExecutorService>;

  beforeAll(async () => {
    p = await startPlatform({ executors: 0 });
    dir = sharedScratch("mcp-concurrency-");
    const env = executorEnv(p.db, p.registry.url, p.workflows.server.url, { SANDBOX_WRITE_PATHS: dir });
    [a, b] = await Promise.all([spawnExecutor(env), spawnExecutor(env)]);
    viaA = executorClient(a.url);
    viaB = executorClient(b.url);
  });
  afterAll(async () => {
    for (const e of [a, b]) if (e) await crashExecutor(e);
    await p?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A one-step workflow calling `mcp` with the interval script's inputs; `tag` from input `tag`. */
  async function intervalWorkflow(mcp: string, log: string, seconds: string, concurrencyKey = "") {
    const name = uniqueName("limited-wf");
    await p.clients.workflows.createWorkflow({
      name,
      spec: {
        executionMode: ExecutionMode.SEQUENTIAL,
        inputs: [{ name: "tag", required: true }, { name: "customer" }],
        concurrencyKey,
        steps: [
          {
            stepId: "work",
            mcp: { mcp: { case: "name", value: mcp } },
            inputs: { log: staticString(log), seconds: staticString(seconds), tag: workflowInput("tag") },
          },
        ],
      },
    });
    return name;
  }

  it("refuses max_concurrency ≤ 0, a bad concurrency key (with its position) and a key the inputs cannot give, changing nothing", async () => {
    const name = uniqueName("bad-limit");
    for (const maxConcurrency of [0, -3]) {
      const err = await expectCode(
        p.clients.registry.createMcp({ name, config: { ...scriptConfig(INTERVAL_SCRIPT), maxConcurrency } }),
        Code.InvalidArgument,
      );
      const fields = err.findDetails(errorDetails.BadRequestSchema)[0]?.fieldViolations ?? [];
      expect(fields.map((f) => f.field)).toEqual(["config.max_concurrency"]);
    }
    await expectCode(p.clients.registry.getMcp({ mcp: { case: "name", value: name } }), Code.NotFound);

    const mcp = uniqueName("plain");
    await p.clients.registry.createMcp({ name: mcp, config: scriptConfig(INTERVAL_SCRIPT) });
    // an update with a bad limit writes no new version
    const update = await expectCode(
      p.clients.registry.updateMcp({
        mcp: { case: "name", value: mcp },
        config: { ...scriptConfig(INTERVAL_SCRIPT), maxConcurrency: 0 },
      }),
      Code.InvalidArgument,
    );
    expect(fieldsOf(update)).toEqual(["config.max_concurrency"]);
    const current = await p.clients.registry.getMcp({ mcp: { case: "name", value: mcp } });
    expect(current.version?.version).toBe(1);
    const workflow = uniqueName("bad-key");
    const err = await expectCode(
      p.clients.workflows.createWorkflow({
        name: workflow,
        spec: {
          inputs: [{ name: "customer" }],
          concurrencyKey: "inputs.customer +",
          steps: [{ stepId: "s", mcp: { mcp: { case: "name", value: mcp } } }],
        },
      }),
      Code.InvalidArgument,
    );
    const violations = err.findDetails(errorDetails.BadRequestSchema)[0]?.fieldViolations ?? [];
    expect(violations.map((v) => v.field)).toEqual(["spec.concurrency_key"]);
    expect(violations[0]?.description).toMatch(/^CEL syntax error at 1:\d+: /);
    await expectCode(
      p.clients.workflows.getWorkflow({ workflow: { case: "name", value: workflow } }),
      Code.NotFound,
    );

    // a key over an input the run does not give: the caller's INVALID_ARGUMENT, no run
    const keyed = await intervalWorkflow(mcp, join(dir, "never.log"), "0", "inputs.customer");
    const refused = await expectCode(
      viaA.executeWorkflow({ workflow: { workflow: { case: "name", value: keyed } }, inputs: { tag: "t" } }),
      Code.InvalidArgument,
    );
    expect(refused.rawMessage).toContain("concurrency key `inputs.customer` cannot be evaluated");
    const { runs } = await viaA.listRuns({ filter: { workflow: keyed } });
    expect(runs).toEqual([]);
  });

  it("runs at most max_concurrency (2) steps of an MCP at once across both executors, and all 20 runs finish", async () => {
    const mcp = uniqueName("limited");
    await p.clients.registry.createMcp({
      name: mcp,
      config: { ...scriptConfig(INTERVAL_SCRIPT, 60), maxConcurrency: 2 },
    });
    const log = join(dir, "limited.log");
    const workflow = await intervalWorkflow(mcp, log, "0.4");
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const via = i % 2 === 0 ? viaA : viaB;
      const { run } = await via.executeWorkflow({
        workflow: { workflow: { case: "name", value: workflow } },
        inputs: { tag: `r${i}` },
      });
      ids.push(run!.id);
    }
    let sawPermitWait = "";
    const runs = await waitFor(
      "all 20 runs to finish",
      async () => {
        const all = await Promise.all(ids.map(async (id) => (await viaA.getRun({ id })).run));
        const waiting = all.find((r) => r?.concurrencyWait);
        if (waiting && sawPermitWait === "") {
          sawPermitWait = waiting.concurrencyWait;
          expect(waiting.steps[0]?.status).toBe(StepStatus.WAITING);
        }
        return all.every(finished) ? all : undefined;
      },
      { timeoutMs: 240_000, intervalMs: 100 },
    );
    expect(runs.map((r) => RunStatus[r!.status])).toEqual(Array(20).fill("SUCCEEDED"));
    const measured = intervals(log);
    expect(measured).toHaveLength(20);
    expect(maxOverlap(measured)).toBeLessThanOrEqual(2);
    expect(sawPermitWait).toMatch(
      new RegExp(`^step "work" waits for a permit of MCP "${mcp}" \\(max_concurrency 2; \\d+ ahead\\)`),
    );
  });

  it("counts each for_each item as one step: 2 runs of 4 items each never run more than 2 items at once", async () => {
    const mcp = uniqueName("limited-items");
    await p.clients.registry.createMcp({
      name: mcp,
      config: { ...scriptConfig(INTERVAL_SCRIPT, 60), maxConcurrency: 2 },
    });
    const log = join(dir, "items.log");
    const name = uniqueName("items-wf");
    await p.clients.workflows.createWorkflow({
      name,
      spec: {
        inputs: [{ name: "list", required: true }],
        steps: [
          {
            stepId: "each",
            mcp: { mcp: { case: "name", value: mcp } },
            forEach: { source: { case: "workflowInput", value: "list" }, maxConcurrency: 4 },
            inputs: {
              log: staticString(log),
              seconds: staticString("0.4"),
              tag: { source: { case: "item", value: "" } },
            },
          },
        ],
      },
    });
    const ids = await Promise.all(
      [viaA, viaB].map(async (via, r) => {
        const { run } = await via.executeWorkflow({
          workflow: { workflow: { case: "name", value: name } },
          inputs: { list: [0, 1, 2, 3].map((i) => `r${r}i${i}`) },
        });
        return run!.id;
      }),
    );
    const runs = await waitFor(
      "both for_each runs to finish",
      async () => {
        const all = await Promise.all(ids.map(async (id) => (await viaA.getRun({ id })).run));
        return all.every(finished) ? all : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 100 },
    );
    expect(runs.map((r) => RunStatus[r!.status])).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    const measured = intervals(log);
    expect(measured).toHaveLength(8);
    expect(maxOverlap(measured)).toBeLessThanOrEqual(2);
  });

  it("serialises runs of the same concurrency key (queued PENDING, in start order) and not runs of different keys", async () => {
    const mcp = uniqueName("free");
    await p.clients.registry.createMcp({ name: mcp, config: scriptConfig(INTERVAL_SCRIPT, 60) });
    const log = join(dir, "keyed.log");
    // long enough that a-2 is still queued when it is read, however slowly the six starts go
    const workflow = await intervalWorkflow(mcp, log, "4", "inputs.customer");
    const tags = ["a-1", "b-1", "a-2", "b-2", "a-3", "b-3"];
    const started: WorkflowRun[] = [];
    for (const [i, tag] of tags.entries()) {
      const { run } = await (i % 2 === 0 ? viaA : viaB).executeWorkflow({
        workflow: { workflow: { case: "name", value: workflow } },
        inputs: { tag, customer: tag.slice(0, 1) },
      });
      started.push(run!);
    }
    expect(started.map((r) => r.concurrencyKey)).toEqual(["a", "b", "a", "b", "a", "b"]);
    // a-2 was started while a-1 runs (for 4 s at least): queued, and GetRun says behind what
    const { run: queued } = await viaB.getRun({ id: started[2]!.id });
    expect(RunStatus[queued!.status]).toBe("PENDING");
    expect(queued!.concurrencyWait).toMatch(
      /^queued: run [0-9a-f-]{36} of concurrency key "a" has not finished$/,
    );

    await waitFor(
      "the six keyed runs to finish",
      async () => {
        const all = await Promise.all(started.map(async (r) => (await viaA.getRun({ id: r.id })).run));
        return all.every(finished) ? all : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 100 },
    );
    const measured = intervals(log);
    expect(measured.map((i) => i.tag).sort()).toEqual([...tags].sort());
    const of = (key: string) =>
      measured.filter((i) => i.tag.startsWith(`${key}-`)).sort((x, y) => x.start - y.start);
    for (const key of ["a", "b"]) {
      const runs = of(key);
      // one at a time, in the order they were started
      expect(runs.map((i) => i.tag)).toEqual([`${key}-1`, `${key}-2`, `${key}-3`]);
      for (let i = 1; i < runs.length; i++) expect(runs[i]!.start).toBeGreaterThanOrEqual(runs[i - 1]!.end);
    }
    // different keys do not wait for each other
    expect(of("a").some((x) => of("b").some((y) => overlaps(x, y)))).toBe(true);
  });

  it("examples/concurrency.yaml › the CLI applies both limits and `mcp get` shows them and what holds a run", async () => {
    const sfx = randomUUID().slice(0, 8);
    const example = await readFile(resolve(ROOT, "examples", "concurrency.yaml"), "utf8");
    // the step waits for a gate the test opens once the CLI has shown the second run held, rather
    // than sleeping: however slow the CLI is to start, the first run is still running when it reads
    const sleep = 'time.sleep(float(data.get("seconds", 1)))';
    expect(example).toContain(sleep);
    const gate = join(dir, "acme.gate");
    const text = example
      .replace(/\bexample-rate-limited\b/g, `example-rate-limited-${sfx}`)
      .replace(/\bper-customer\b/g, `per-customer-${sfx}`)
      .replace(sleep, `while not __import__("os").path.exists(${JSON.stringify(gate)}): time.sleep(0.05)`);
    const manifest = join(dir, "concurrency.yaml");
    await writeFile(manifest, text);
    const mcp = (...args: string[]): Promise<CliResult> =>
      runCli([
        "--registry",
        p.registry.url,
        "--workflows",
        p.workflows.server.url,
        "--executor",
        b.url,
        ...args,
      ]);
    expect((await mcp("apply", "-f", manifest)).code).toBe(0);
    expect((await mcp("get", "mcp", `example-rate-limited-${sfx}`)).stdout).toContain(
      "max_concurrency: 2 steps at once, cluster-wide",
    );
    expect((await mcp("get", "workflow", `per-customer-${sfx}`)).stdout).toContain(
      "concurrency_key: inputs.customer (one run per key at a time)",
    );
    const runIdOf = (stdout: string) => /[0-9a-f]{8}-[0-9a-f-]{27}/.exec(stdout)?.[0] ?? "";
    const start = async () =>
      runIdOf((await mcp("run", `per-customer-${sfx}`, "--input", "customer=acme", "--detach")).stdout);
    const first = await start();
    const second = await start();
    const shown = await mcp("get", "run", second);
    expect(shown.stdout).toContain("concurrency key: acme");
    expect(shown.stdout).toContain(`held: queued: run ${first} of concurrency key "acme" has not finished`);
    await writeFile(gate, "open");
    const runs = await waitFor(
      "both runs of acme to finish",
      async () => {
        const all = await Promise.all([first, second].map(async (id) => (await viaB.getRun({ id })).run));
        return all.every(finished) ? all : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 100 },
    );
    expect(runs.map((r) => [RunStatus[r!.status], r!.outputs])).toEqual([
      ["SUCCEEDED", { greeting: "hello acme" }],
      ["SUCCEEDED", { greeting: "hello acme" }],
    ]);
    expect(runs[1]!.startTime!.seconds >= runs[0]!.finishTime!.seconds).toBe(true);
  });

  it("gives a permit back when the executor holding it is killed (kill -9): the waiting run proceeds", async () => {
    const mcp = uniqueName("single");
    await p.clients.registry.createMcp({
      name: mcp,
      config: { ...scriptConfig(INTERVAL_SCRIPT, 120), maxConcurrency: 1 },
    });
    const log = join(dir, "single.log");
    const marker = join(dir, "holder.started");
    const name = uniqueName("holder-wf");
    await p.clients.workflows.createWorkflow({
      name,
      spec: {
        inputs: [{ name: "tag", required: true }, { name: "seconds", required: true }, { name: "marker" }],
        steps: [
          {
            stepId: "work",
            mcp: { mcp: { case: "name", value: mcp } },
            inputs: {
              log: staticString(log),
              seconds: workflowInput("seconds"),
              tag: workflowInput("tag"),
              marker: workflowInput("marker"),
            },
          },
        ],
      },
    });
    const start = (via: Client<typeof ExecutorService>, tag: string, seconds: string, mark = "") =>
      via.executeWorkflow({
        workflow: { workflow: { case: "name", value: name } },
        inputs: { tag, seconds, marker: mark },
      });
    // the holder runs on A (created with A's claim) and sleeps for long
    const { run: holder } = await start(viaA, "holder", "90", marker);
    await waitFor("the holder's step to run on A", () => Promise.resolve(existsSync(marker) || undefined), {
      timeoutMs: 60_000,
    });
    const { run: waiter } = await start(viaB, "waiter", "0");
    await waitFor(
      "the second run's step to wait for the permit",
      async () => {
        const { run } = await viaB.getRun({ id: waiter!.id });
        return run?.steps[0]?.status === StepStatus.WAITING && run.concurrencyWait !== "" ? run : undefined;
      },
      { timeoutMs: 60_000 },
    );

    await crashExecutor(a);
    const done = await waitFor(
      "the waiting run to finish after A's permit came back with its lease",
      async () => {
        const { run } = await viaB.getRun({ id: waiter!.id });
        return finished(run) ? run : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 100 },
    );
    expect(RunStatus[done.status]).toBe("SUCCEEDED");
    expect(intervals(log).map((i) => i.tag)).toEqual(["waiter"]);
    await viaB.cancelRun({ id: holder!.id, reason: "test over" });
  });
});
