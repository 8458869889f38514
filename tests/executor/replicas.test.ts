import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ExecutorService, RunStatus } from "@mcp/proto/executor";
import { ExecutionMode } from "@mcp/proto/workflows";
import { Client as PgClient } from "pg";
import { startLoggedExecutor, type LoggedExecutor } from "../support/logged-executor";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { COUNTER_SCRIPT, scriptConfig } from "../support/scripts";
import { sharedScratch } from "../support/scratch";

const RUNS = 50;
const staticString = (value: string) => ({
  source: { case: "staticValue" as const, value: { kind: { case: "stringValue" as const, value } } },
});

describe("executor replicas on one database", () => {
  let p: TestPlatform;
  let dir: string;
  const replicas: LoggedExecutor[] = [];

  beforeAll(async () => {
    p = await startPlatform({ executors: 0 });
    dir = sharedScratch("mcp-replicas-");
    // A lease that outlasts a loaded CI machine's stalls: this suite is about claims shared between
    // replicas, not takeover (tests/executor/recovery covers that). With the tests' 1.5 s lease a
    // replica starved of CPU for a moment lost a run to the other, which ran a step again; with 5 s
    // a step ran twice once more, on a CI machine in a slow phase (50 sandboxed steps on two cores),
    // unexplained then: a failure below now names the run's fence and claims.
    const env = { SANDBOX_WRITE_PATHS: dir, EXECUTOR_LEASE_MS: "15000" };
    replicas.push(await startLoggedExecutor(p, env), await startLoggedExecutor(p, env));
  });
  afterAll(async () => {
    for (const r of replicas) await r.stop();
    await p?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`runs ${RUNS} concurrent runs started through both replicas to SUCCEEDED, each step exactly once, with both replicas claiming runs`, async () => {
    const mcp = uniqueName("counter");
    await p.clients.registry.createMcp({ name: mcp, config: scriptConfig(COUNTER_SCRIPT, 60) });
    const workflow = uniqueName("two-steps");
    // Both steps append their tag to the run's own counter file (a workflow input).
    await p.clients.workflows.createWorkflow({
      name: workflow,
      spec: {
        executionMode: ExecutionMode.SEQUENTIAL,
        inputs: [{ name: "counter", required: true }],
        steps: [
          {
            stepId: "first",
            mcp: { mcp: { case: "name", value: mcp } },
            inputs: {
              counter: { source: { case: "workflowInput", value: "counter" } },
              tag: staticString("first"),
              seconds: staticString("0.2"),
            },
          },
          {
            stepId: "second",
            mcp: { mcp: { case: "name", value: mcp } },
            dependsOn: ["first"],
            inputs: {
              counter: { source: { case: "workflowInput", value: "counter" } },
              tag: staticString("second"),
            },
          },
        ],
        outputs: [{ name: "count", stepId: "second", output: "count" }],
      },
    });

    const clients = replicas.map((r) =>
      createClient(ExecutorService, createGrpcTransport({ baseUrl: r.url })),
    );
    const files = Array.from({ length: RUNS }, (_, i) => join(dir, `run-${i}.txt`));
    const results = await Promise.all(
      files.map((counter, i) =>
        clients[i % clients.length]!.executeWorkflow({
          workflow: { workflow: { case: "name", value: workflow } },
          inputs: { counter },
          wait: true,
          waitTimeoutSeconds: 150,
        }),
      ),
    );

    const runs = results.map((r) => r.run!);
    const pg = new PgClient({ connectionString: p.db.url });
    await pg.connect();
    try {
      const rows = (
        await pg.query<{ id: string; status: string; fence: string; owner: string | null }>(
          "SELECT id, status, fence, owner FROM workflow_runs",
        )
      ).rows;
      // The owner column is cleared when a run ends, so the claims are counted from each replica's log;
      // every claim bumps the fence, so the claims logged must add up to the fences.
      const claims = replicas.map((r) => r.claimedRunIds());
      // What a failure below reports of a run: its fence and which replica claimed it how often, so
      // that a step run twice shows whether the run was taken over (fence above 1) or not.
      const fences = new Map(rows.map((r) => [r.id, Number(r.fence)]));
      const history = (id: string) => ({
        fence: fences.get(id),
        claims: claims.map((c) => c.filter((claimed) => claimed === id).length),
      });

      expect(
        runs
          .filter((r) => r.status !== RunStatus.SUCCEEDED)
          .map((r) => [r.id, RunStatus[r.status], history(r.id)]),
      ).toEqual([]);
      expect(
        runs
          .filter((r) => JSON.stringify(r.outputs) !== JSON.stringify({ count: 2 }))
          .map((r) => [r.id, r.outputs, history(r.id)]),
      ).toEqual([]);
      expect(new Set(runs.map((r) => r.id)).size).toBe(RUNS);
      // Each run's file: one line per step, in order — no step ran twice or was lost.
      const wrong = files
        .map((f, i) => [runs[i]!.id, readFileSync(f, "utf8"), history(runs[i]!.id)])
        .filter(([, text]) => text !== "first\nsecond\n");
      expect(wrong).toEqual([]);

      expect(rows).toHaveLength(RUNS);
      expect(rows.filter((r) => r.status !== "succeeded" || r.owner !== null)).toEqual([]);
      const attempts = await pg.query<{ step_id: string; attempt: number; n: string }>(
        "SELECT step_id, attempt, count(*) AS n FROM step_runs GROUP BY 1, 2 ORDER BY 1, 2",
      );
      expect(attempts.rows.map((r) => [r.step_id, r.attempt, Number(r.n)])).toEqual([
        ["first", 1, RUNS],
        ["second", 1, RUNS],
      ]);
      const totalFence = rows.reduce((sum, r) => sum + Number(r.fence), 0);
      expect(claims.flat()).toHaveLength(totalFence);
      expect(new Set(claims.flat())).toEqual(new Set(rows.map((r) => r.id)));
      // Claims per replica: every replica did work.
      expect(claims.map((c) => c.length)).not.toContain(0);
    } finally {
      await pg.end();
    }
  }, 240_000);
});
