import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { RunStatus } from "@mcp/proto/executor";
import { health } from "@mcp/proto/grpc";
import { Client as PgClient } from "pg";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { PostgresServerProcess } from "../support/postgres-server";
import { sharedScratch } from "../support/scratch";
import { spec, step } from "../support/run-specs";
import { COUNTER_SCRIPT, scriptConfig } from "../support/scripts";
import { waitFor } from "../support/wait-for";

jest.setTimeout(240_000);

const RUNS = 50;
/** How long PostgreSQL stays down: ten times the tests' 1.5 s lease, while steps are running. */
const OUTAGE_MS = 20_000;
const { SERVING, NOT_SERVING } = health.HealthCheckResponse_ServingStatus;

const staticString = (value: string) => ({
  source: { case: "staticValue" as const, value: { kind: { case: "stringValue" as const, value } } },
});
const workflowInput = (name: string) => ({ source: { case: "workflowInput" as const, value: name } });

/**
 * A PostgreSQL outage with runs in flight, on a cluster of the test's own (stopped and started
 * again on its port): the executor keeps its runs, writes the results of steps that finished
 * meanwhile when the database is back, and runs no step twice; its health says NOT_SERVING while
 * the database is away and SERVING again right after.
 */
describe("a 20 s PostgreSQL outage with 50 runs in flight", () => {
  let pg: PostgresServerProcess;
  let p: TestPlatform;
  let dir: string;
  beforeAll(async () => {
    pg = await PostgresServerProcess.start();
    const url = await pg.createDatabase("mcp_outage");
    dir = sharedScratch("mcp-outage-");
    p = await startPlatform({
      db: { url, name: "mcp_outage", drop: () => Promise.resolve() },
      executorEnv: { SANDBOX_WRITE_PATHS: dir },
    });
  });
  afterAll(async () => {
    await p?.stop();
    await pg?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("ends with every run SUCCEEDED, no step executed twice, and health NOT_SERVING only during the outage", async () => {
    const mcp = uniqueName("counter");
    await p.clients.registry.createMcp({ name: mcp, config: scriptConfig(COUNTER_SCRIPT, 120) });
    const workflow = uniqueName("outage");
    await p.clients.workflows.createWorkflow({
      name: workflow,
      spec: spec(
        [
          step("first", mcp, {
            inputs: {
              counter: workflowInput("counter"),
              tag: staticString("first"),
              seconds: staticString("4"),
            },
          }),
          step("second", mcp, {
            dependsOn: ["first"],
            inputs: { counter: workflowInput("counter"), tag: staticString("second") },
          }),
        ],
        { inputs: [{ name: "counter", required: true }] },
      ),
    });
    const executor = p.clients.executor;
    const healthOf = createClient(
      health.Health,
      createGrpcTransport({ baseUrl: p.executors[0]!.server.url }),
    );
    const files = Array.from({ length: RUNS }, (_, i) => join(dir, `run-${i}.txt`));
    const runIds = await Promise.all(
      files.map(async (counter) => {
        const { run } = await executor.executeWorkflow({
          workflow: { workflow: { case: "name", value: workflow } },
          inputs: { counter },
        });
        return run!.id;
      }),
    );
    // every run's first step has started (and records its side effect) before the database goes
    await waitFor(
      "every run's first step to start",
      async () => (files.every((f) => readFile(f).startsWith("first")) ? true : undefined),
      { timeoutMs: 60_000 },
    );

    await pg.stop();
    const down = Date.now();
    await waitFor(
      "health NOT_SERVING",
      async () => ((await healthOf.check({})).status === NOT_SERVING ? true : undefined),
      { timeoutMs: 5_000 },
    );
    // the outage itself: a deliberate length of time, not a wait for something
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - down))));
    expect((await healthOf.check({})).status).toBe(NOT_SERVING);

    await pg.restart();
    const up = Date.now();
    await waitFor(
      "health SERVING",
      async () => ((await healthOf.check({})).status === SERVING ? true : undefined),
      { timeoutMs: 5_000, intervalMs: 20 },
    );
    const backAfterMs = Date.now() - up;

    const statuses = await waitFor(
      "every run to end",
      async () => {
        const runs = await Promise.all(runIds.map(async (id) => (await executor.getRun({ id })).run!));
        return runs.every((r) => r.status !== RunStatus.RUNNING && r.status !== RunStatus.PENDING)
          ? runs
          : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    expect(statuses.filter((r) => r.status !== RunStatus.SUCCEEDED).map((r) => [r.id, r.error])).toEqual([]);
    // each step ran exactly once: one line per step in each run's file, and one attempt per step row
    expect(files.map(readFile).filter((text) => text !== "first\nsecond\n")).toEqual([]);
    const db = new PgClient({ connectionString: p.db.url });
    await db.connect();
    try {
      const attempts = await db.query<{ step_id: string; attempt: number; n: string }>(
        "SELECT step_id, attempt, count(*) AS n FROM step_runs GROUP BY 1, 2 ORDER BY 1, 2",
      );
      expect(attempts.rows.map((r) => [r.step_id, r.attempt, Number(r.n)])).toEqual([
        ["first", 1, RUNS],
        ["second", 1, RUNS],
      ]);
    } finally {
      await db.end();
    }
    // SERVING again within a second of the database's return (a loaded machine gets some slack)
    expect(backAfterMs).toBeLessThan(2_500);
  });
});

function readFile(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}
