import { randomUUID } from "node:crypto";
import { Code, createClient, type Client, type ConnectError } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { ApiKeyStore, openDatabase, type DataSource } from "@mcp/db";
import type { ExecutorApp } from "@mcp/executor/app";
import { RunRetentionService, RunStatus } from "@mcp/proto/executor";
import { errorDetails } from "@mcp/proto/grpc";
import { generateApiKey, reasonOf } from "@mcp/runtime";
import { cliAgainst } from "../support/cli";
import { expectCode } from "../support/errors";
import { uniqueName } from "../support/mcps";
import { ECHO_SCRIPT, scriptConfig } from "../support/scripts";
import { startPlatform, type TestPlatform } from "../support/platform";
import { scrape, sample } from "../support/prometheus";
import { waitFor } from "../support/wait-for";

const DAY_MS = 86_400_000;
const violations = (err: ConnectError) =>
  (err.findDetails(errorDetails.BadRequestSchema)[0]?.fieldViolations ?? []).map((v) => [
    v.field,
    v.description,
  ]);
const days = (n: number) => durationFromMs(n * DAY_MS);

type Status = "pending" | "running" | "succeeded" | "failed" | "partially_succeeded" | "cancelled";

/**
 * Run retention: PruneRuns (dry and not), its batches, its cluster-wide lock, RUN_RETENTION_DAYS on an
 * interval, the CLI, and its bad input. Most history is written as rows (old runs cannot be made
 * through the API); two runs are real, with their real step rows and a signal.
 */
describe("run retention", () => {
  let p: TestPlatform;
  let sql: DataSource;
  const retention = (app: ExecutorApp): Client<typeof RunRetentionService> =>
    createClient(RunRetentionService, createGrpcTransport({ baseUrl: app.server.url }));

  /** One run row (finished `finishedDaysAgo` days ago unless live) with `steps` step rows. */
  async function run(
    status: Status,
    finishedDaysAgo: number | null,
    options: { parent?: string; parentStep?: string; steps?: number } = {},
  ): Promise<string> {
    const id = randomUUID();
    const finished = finishedDaysAgo === null ? null : new Date(Date.now() - finishedDaysAgo * DAY_MS);
    const created = new Date(Date.now() - ((finishedDaysAgo ?? 40) + 1) * DAY_MS);
    await sql.query(
      `INSERT INTO workflow_runs (id, kind, workflow_name, workflow_version, status, created_at, started_at,
                                  finished_at, updated_at, parent_run_id, parent_step_id)
       VALUES ($1, 'workflow', 'history', 1, $2, $3, $3, $4, now(), $5, $6)`,
      [id, status, created, finished, options.parent ?? null, options.parentStep ?? null],
    );
    for (let i = 0; i < (options.steps ?? 2); i++) {
      await sql.query(
        `INSERT INTO step_runs (id, run_id, step_id, position, status, updated_at)
         VALUES ($1, $2, $3, $4, 'succeeded', now())`,
        [randomUUID(), id, `s${i}`, i],
      );
    }
    return id;
  }

  /** Which of `ids` still have a run row. */
  async function present(ids: readonly string[]): Promise<Set<string>> {
    const rows = await sql.query<{ id: string }[]>(
      "SELECT id FROM workflow_runs WHERE id = ANY($1::uuid[])",
      [ids],
    );
    return new Set(rows.map((r) => r.id));
  }

  async function counts(): Promise<{ runs: number; steps: number; signals: number }> {
    const [row] = await sql.query<{ runs: number; steps: number; signals: number }[]>(
      `SELECT (SELECT count(*) FROM workflow_runs)::int AS runs, (SELECT count(*) FROM step_runs)::int AS steps,
              (SELECT count(*) FROM run_signals)::int AS signals`,
    );
    return row!;
  }

  /** Deletes every run, so each test starts from an empty history. */
  async function clearHistory(): Promise<void> {
    await sql.query("DELETE FROM run_signals");
    await sql.query("DELETE FROM step_runs");
    await sql.query("DELETE FROM workflow_runs");
  }

  beforeAll(async () => {
    p = await startPlatform();
    sql = (await openDatabase({ url: p.db.url, poolSize: 2 })).dataSource;
  });
  afterAll(async () => {
    await sql?.destroy();
    await p?.stop();
  });
  beforeEach(clearHistory);
  /** Executors a test added: stopped after it, so none prunes during the next test. */
  const added: ExecutorApp[] = [];
  const addExecutor = async (env: Record<string, string>) => {
    const app = await p.addExecutor(env);
    added.push(app);
    return app;
  };
  afterEach(async () => {
    for (const app of added.splice(0)) {
      await app.stop();
      p.executors.splice(p.executors.indexOf(app), 1);
    }
  });

  it("PruneRuns › deletes old finished runs with their steps and signals; keeps recent and live runs and their families; a dry run changes nothing", async () => {
    // two real runs of a real workflow: one is made old, one stays recent
    const mcp = uniqueName("ret");
    await p.clients.registry.createMcp({ name: mcp, config: scriptConfig(ECHO_SCRIPT) });
    const flow = uniqueName("ret-flow");
    await p.clients.workflows.createWorkflow({
      name: flow,
      spec: {
        steps: [
          {
            stepId: "a",
            mcp: { mcp: { case: "name", value: mcp } },
            inputs: {
              text: {
                source: { case: "staticValue", value: { kind: { case: "stringValue", value: "hi" } } },
              },
            },
          },
        ],
      },
    });
    const real = async () => {
      const r = await p.clients.executor.executeWorkflow({
        workflow: { workflow: { case: "name", value: flow } },
        wait: true,
      });
      expect(r.run?.status).toBe(RunStatus.SUCCEEDED);
      return r.run!.id;
    };
    const realOld = await real();
    const realRecent = await real();
    await sql.query("UPDATE workflow_runs SET finished_at = now() - interval '40 days' WHERE id = $1", [
      realOld,
    ]);
    await sql.query(
      "INSERT INTO run_signals (run_id, signal, payload, sent_by) VALUES ($1, 'late', '1', 'test')",
      [realOld],
    );

    const oldDone = await run("succeeded", 40, { steps: 3 });
    const oldFailed = await run("failed", 35);
    const oldCancelled = await run("cancelled", 31);
    const oldPartial = await run("partially_succeeded", 60);
    const oldFamilyParent = await run("succeeded", 50);
    const oldFamilyChild = await run("succeeded", 50, { parent: oldFamilyParent, parentStep: "sub" });
    const deletable = [
      realOld,
      oldDone,
      oldFailed,
      oldCancelled,
      oldPartial,
      oldFamilyParent,
      oldFamilyChild,
    ];

    const recent = await run("succeeded", 1);
    const livePending = await run("pending", null);
    const liveRunning = await run("running", null);
    // a parent whose sub-workflow is still running, and a child of a run still parked
    const parentOfLive = await run("failed", 45);
    const liveChild = await run("running", null, { parent: parentOfLive, parentStep: "sub" });
    const liveParent = await run("running", null);
    const childOfLive = await run("succeeded", 45, { parent: liveParent, parentStep: "sub" });
    // an old failed run whose fallback run finished recently, and an old child of a recent parent
    const fallbackParent = await run("failed", 40);
    const recentFallback = await run("succeeded", 2, { parent: fallbackParent });
    const recentParent = await run("succeeded", 3);
    const oldChildOfRecent = await run("succeeded", 40, { parent: recentParent, parentStep: "sub" });
    const kept = [
      realRecent,
      recent,
      livePending,
      liveRunning,
      parentOfLive,
      liveChild,
      liveParent,
      childOfLive,
      fallbackParent,
      recentFallback,
      recentParent,
      oldChildOfRecent,
    ];
    const [realSteps] = await sql.query<{ n: number }[]>(
      "SELECT count(*)::int AS n FROM step_runs WHERE run_id = $1",
      [realOld],
    );
    const expectedSteps = realSteps!.n + 3 + 2 * 5;

    const before = await counts();
    const client = retention(p.executors[0]!);
    const dry = await client.pruneRuns({ olderThan: days(30), dryRun: true });
    expect(dry).toMatchObject({
      runs: BigInt(deletable.length),
      steps: BigInt(expectedSteps),
      dryRun: true,
      batches: 0,
    });
    expect(await counts()).toEqual(before);

    const prunedBefore = sample(await scrape(p.executors[0]!.server.url), "mcp_runs_pruned_total");
    const done = await client.pruneRuns({ olderThan: days(30) });
    expect(done).toMatchObject({
      runs: BigInt(deletable.length),
      steps: BigInt(expectedSteps),
      dryRun: false,
    });
    expect(Math.abs(Number(done.cutoff!.seconds) * 1000 - (Date.now() - 30 * DAY_MS))).toBeLessThan(60_000);
    expect(await present(deletable)).toEqual(new Set());
    expect(await present(kept)).toEqual(new Set(kept));
    expect(await counts()).toEqual({
      runs: before.runs - deletable.length,
      steps: before.steps - expectedSteps,
      signals: 0,
    });
    const metrics = await scrape(p.executors[0]!.server.url);
    expect(sample(metrics, "mcp_runs_pruned_total") - prunedBefore).toBe(deletable.length);

    // the recent real run still reads whole, and a second prune finds nothing
    const got = await p.clients.executor.getRun({ id: realRecent });
    expect(got.run?.steps.map((s) => s.stepId)).toEqual(["a"]);
    expect(await client.pruneRuns({ olderThan: days(30) })).toMatchObject({
      runs: 0n,
      steps: 0n,
      batches: 0,
    });
  }, 120_000);

  it("PruneRuns › deletes in batches of at most RUN_RETENTION_BATCH runs", async () => {
    const small = await addExecutor({ RUN_RETENTION_BATCH: "3", RUN_RETENTION_PAUSE_MS: "0" });
    const old: string[] = [];
    for (let i = 0; i < 10; i++) old.push(await run("succeeded", 40 + i, { steps: 1 }));
    const recent = await run("succeeded", 2);
    const res = await retention(small).pruneRuns({ olderThan: days(30) });
    expect(res).toMatchObject({ runs: 10n, steps: 10n, batches: 4 });
    expect(await present([...old, recent])).toEqual(new Set([recent]));
  });

  it("PruneRuns › one prune at a time across executors: a second one is refused with PRUNE_RUNNING while the first holds the lock", async () => {
    const slowEnv = { RUN_RETENTION_BATCH: "1", RUN_RETENTION_PAUSE_MS: "700" };
    const first = await addExecutor(slowEnv);
    const second = await addExecutor(slowEnv);
    const old: string[] = [];
    for (let i = 0; i < 5; i++) old.push(await run("failed", 40, { steps: 1 }));

    const slow = retention(first).pruneRuns({ olderThan: days(30) });
    // the first prune holds the advisory lock on this database (and deletes one run per batch)
    await waitFor("the first prune to hold the lock and delete a batch", async () => {
      const [row] = await sql.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM pg_locks
          WHERE locktype = 'advisory' AND objid = 727002 AND granted
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      return row!.n === 1 && (await present(old)).size < old.length ? true : undefined;
    });
    const refused = await expectCode(
      retention(second).pruneRuns({ olderThan: days(30) }),
      Code.FailedPrecondition,
    );
    expect(reasonOf(refused)).toBe("PRUNE_RUNNING");
    expect(refused.rawMessage).toContain("already running");
    // a dry run takes no lock
    await retention(second).pruneRuns({ olderThan: days(30), dryRun: true });

    const done = await slow;
    expect(done).toMatchObject({ runs: 5n, batches: 5 });
    expect(await present(old)).toEqual(new Set());
    // once it has finished, the other executor may prune
    expect(await retention(second).pruneRuns({ olderThan: days(30) })).toMatchObject({ runs: 0n });
  }, 60_000);

  it("RUN_RETENTION_DAYS › an executor prunes old finished runs on its interval and counts them in mcp_runs_pruned_total", async () => {
    const old = await run("succeeded", 31);
    const oldParentOfLive = await run("succeeded", 31);
    await run("running", null, { parent: oldParentOfLive, parentStep: "sub" });
    const young = await run("succeeded", 29);
    const pruning = await addExecutor({ RUN_RETENTION_DAYS: "30", RUN_RETENTION_INTERVAL_MS: "1000" });
    await waitFor(
      "the old run to be pruned",
      async () => ((await present([old])).size === 0 ? true : undefined),
      {
        timeoutMs: 20_000,
      },
    );
    expect(await present([oldParentOfLive, young])).toEqual(new Set([oldParentOfLive, young]));
    const metrics = await scrape(pruning.server.url);
    expect(sample(metrics, "mcp_runs_pruned_total")).toBeGreaterThanOrEqual(1);
    // PruneRuns without older_than uses the executor's RUN_RETENTION_DAYS
    const again = await run("cancelled", 31);
    const res = await retention(pruning).pruneRuns({ dryRun: true });
    expect(Number(res.runs)).toBeLessThanOrEqual(1);
    expect(Math.abs(Number(res.cutoff!.seconds) * 1000 - (Date.now() - 30 * DAY_MS))).toBeLessThan(60_000);
    await waitFor(
      "the run that aged meanwhile to be pruned",
      async () => ((await present([again])).size === 0 ? true : undefined),
      { timeoutMs: 20_000 },
    );
  }, 60_000);

  it("PruneRuns › INVALID_ARGUMENT for an older_than under an hour, or none on an executor without RUN_RETENTION_DAYS; deletes nothing", async () => {
    const old = await run("succeeded", 40);
    const client = retention(p.executors[0]!);
    const tooShort = await expectCode(
      client.pruneRuns({ olderThan: durationFromMs(30_000) }),
      Code.InvalidArgument,
    );
    expect(violations(tooShort)).toEqual([["older_than", "must be at least 1 hour (e.g. 30d)"]]);
    const missing = await expectCode(client.pruneRuns({}), Code.InvalidArgument);
    expect(violations(missing).map(([field]) => field)).toEqual(["older_than"]);
    expect(missing.rawMessage).toContain("RUN_RETENTION_DAYS");
    expect(await present([old])).toEqual(new Set([old]));
  });

  it("mcp runs prune › --dry-run counts, then deletes; a bad --older-than is a usage error", async () => {
    const old = await run("succeeded", 40, { steps: 4 });
    const dry = await cliAgainst(p, "runs", "prune", "--older-than", "30d", "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("would delete 1 run(s) and 4 step row(s)");
    expect(await present([old])).toEqual(new Set([old]));
    const real = await cliAgainst(p, "runs", "prune", "--older-than", "4w");
    expect(real.code).toBe(0);
    expect(real.stdout).toContain("deleted 1 run(s) and 4 step row(s)");
    expect(await present([old])).toEqual(new Set());
    const bad = await cliAgainst(p, "runs", "prune", "--older-than", "30x");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("not an age");
  }, 60_000);

  it("PruneRuns › needs the admin role when authentication is on", async () => {
    const write = generateApiKey();
    const admin = generateApiKey();
    const keys = new ApiKeyStore(sql);
    await keys.create({
      id: write.id,
      name: "writer",
      secretHash: write.secretHash,
      role: "editor",
    });
    await keys.create({ id: admin.id, name: "admin", secretHash: admin.secretHash, role: "admin" });
    const guarded = await addExecutor({ AUTH_ENABLED: "true" });
    const old = await run("succeeded", 40);
    const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
    await expectCode(retention(guarded).pruneRuns({ olderThan: days(30) }), Code.Unauthenticated);
    await expectCode(
      retention(guarded).pruneRuns({ olderThan: days(30) }, bearer(write.token)),
      Code.PermissionDenied,
    );
    expect(await present([old])).toEqual(new Set([old]));
    const res = await retention(guarded).pruneRuns({ olderThan: days(30) }, bearer(admin.token));
    expect(res.runs).toBe(1n);
  });
});
