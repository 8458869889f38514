import { rmSync } from "node:fs";
import { join } from "node:path";
import { createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ExecutorService, RunStatus, StepStatus, type WorkflowRun } from "@mcp/proto/executor";
import { INTERVAL_SCRIPT, intervals, maxOverlap } from "../support/intervals";
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

const executorClient = (url: string): Client<typeof ExecutorService> =>
  createClient(ExecutorService, createGrpcTransport({ baseUrl: url }));

const finished = (run: WorkflowRun | undefined): boolean =>
  run !== undefined && run.status !== RunStatus.PENDING && run.status !== RunStatus.RUNNING;

const seconds = (run: WorkflowRun): number =>
  Number(run.finishTime?.seconds ?? 0n) + (run.finishTime?.nanos ?? 0) / 1e9;

const RUNS = 5;
const ITEMS = 6;

/**
 * for_each items of an MCP with `max_concurrency` park their run while they wait (ADR 018): the run
 * holds no executor slot, each item keeps its place in the queue, and a kill -9 loses nothing.
 */
describe("for_each items waiting for an MCP's permits on 2 executor processes of 2 run slots each", () => {
  let p: TestPlatform;
  let dir: string;
  let a: ExecutorProcess;
  let b: ExecutorProcess;
  let viaA: Client<typeof ExecutorService>;
  let viaB: Client<typeof ExecutorService>;

  beforeAll(async () => {
    p = await startPlatform({ executors: 0 });
    dir = sharedScratch("mcp-concurrency-items-");
    const env = executorEnv(p.db, p.registry.url, p.workflows.server.url, {
      SANDBOX_WRITE_PATHS: dir,
      EXECUTOR_MAX_RUNS: "2",
    });
    [a, b] = await Promise.all([spawnExecutor(env), spawnExecutor(env)]);
    viaA = executorClient(a.url);
    viaB = executorClient(b.url);
  });
  afterAll(async () => {
    for (const e of [a, b]) if (e) await crashExecutor(e);
    await p?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`${RUNS} runs of ${ITEMS} items each, max_concurrency 2: never more than 2 at once, an unrelated run finishes while they wait, all finish across a kill -9`, async () => {
    const limited = uniqueName("limited-items");
    await p.clients.registry.createMcp({
      name: limited,
      config: { ...scriptConfig(INTERVAL_SCRIPT, 60), maxConcurrency: 2 },
    });
    const free = uniqueName("free");
    await p.clients.registry.createMcp({ name: free, config: scriptConfig(INTERVAL_SCRIPT, 60) });
    const log = join(dir, "items.log");
    const iterate = uniqueName("iterate");
    await p.clients.workflows.createWorkflow({
      name: iterate,
      spec: {
        inputs: [{ name: "list", required: true }],
        steps: [
          {
            stepId: "each",
            mcp: { mcp: { case: "name", value: limited } },
            forEach: { source: { case: "workflowInput", value: "list" }, maxConcurrency: 4 },
            inputs: {
              log: staticString(log),
              seconds: staticString("1.5"),
              tag: { source: { case: "item", value: "" } },
            },
          },
        ],
      },
    });
    const unrelated = uniqueName("unrelated");
    await p.clients.workflows.createWorkflow({
      name: unrelated,
      spec: {
        steps: [
          {
            stepId: "once",
            mcp: { mcp: { case: "name", value: free } },
            inputs: { log: staticString(join(dir, "unrelated.log")), seconds: staticString("0") },
          },
        ],
      },
    });

    const ids: string[] = [];
    for (let r = 0; r < RUNS; r++) {
      const { run } = await (r % 2 === 0 ? viaA : viaB).executeWorkflow({
        workflow: { workflow: { case: "name", value: iterate } },
        inputs: { list: Array.from({ length: ITEMS }, (_, i) => `r${r}i${i}`) },
      });
      ids.push(run!.id);
    }
    const all = () => Promise.all(ids.map(async (id) => (await viaB.getRun({ id })).run));

    // more runs than the 4 run slots: the ones whose items all wait are parked (their step WAITING)
    const parked = await waitFor(
      "for_each runs parked with their items waiting for a permit",
      async () => {
        const runs = await all();
        const waiting = runs.filter(
          (r) => r?.status === RunStatus.RUNNING && r.steps[0]?.status === StepStatus.WAITING,
        );
        return waiting.length >= 2 ? waiting : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 100 },
    );
    expect(parked[0]!.concurrencyWait).toMatch(
      new RegExp(
        `^step "each\\[\\d+\\]" waits for a permit of MCP "${limited}" \\(max_concurrency 2; \\d+ ahead\\)`,
      ),
    );

    // with every waiting run holding a slot, this run could not start before a for_each run ended
    const { run: other } = await viaA.executeWorkflow({
      workflow: { workflow: { case: "name", value: unrelated } },
      inputs: {},
    });
    const otherDone = await waitFor(
      "the unrelated run to finish",
      async () => {
        const { run } = await viaA.getRun({ id: other!.id });
        return finished(run) ? run : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    expect([RunStatus[otherDone.status], otherDone.error?.message ?? ""]).toEqual(["SUCCEEDED", ""]);
    const meanwhile = await all();
    expect(meanwhile.filter((r) => !finished(r)).length).toBe(RUNS);
    expect(meanwhile.some((r) => r?.concurrencyWait !== "")).toBe(true);

    // kill -9 of one executor while items run and wait: its permits come back with its lease
    await crashExecutor(a);
    const runs = await waitFor(
      "every for_each run to finish",
      async () => {
        const now = await all();
        return now.every(finished) ? now : undefined;
      },
      { timeoutMs: 300_000, intervalMs: 250 },
    );
    expect(runs.map((r) => RunStatus[r!.status])).toEqual(Array(RUNS).fill("SUCCEEDED"));
    for (const run of runs) {
      expect(seconds(run!)).toBeGreaterThan(seconds(otherDone));
      const items = run!.steps.filter((s) => s.parentStepId === "each");
      expect(items.map((s) => StepStatus[s.status])).toEqual(Array(ITEMS).fill("SUCCEEDED"));
    }
    const measured = intervals(log);
    // an item whose result was not recorded before the kill ran again: each tag at least once
    expect(new Set(measured.map((i) => i.tag)).size).toBe(RUNS * ITEMS);
    expect(maxOverlap(measured)).toBeLessThanOrEqual(2);
  });
});
