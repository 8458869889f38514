/**
 * GetRunStats against a real platform, checked against an independent computation over the
 * `workflow_runs` rows themselves: exact counts (per hour and status, per workflow, running now,
 * recent failures) and p50/p95 within the rollup's stated error of PostgreSQL-style `percentile_cont`.
 * The runs get into the rollup (docs/adr/027-run-stats-rollup.md) by every path there is: rows written
 * before the migration (its backfill), rows inserted finished, live rows ended by an UPDATE (one of
 * them across an hour boundary), finished rows changed and deleted, a real run driven by the
 * executor, and CancelRun of an undriven run. Another workspace's runs never show.
 */
import { randomUUID } from "node:crypto";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Code, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { PERCENTILE_ABSOLUTE_ERROR_MS, PERCENTILE_RELATIVE_ERROR, ROLLUP_OF_RUNS_SQL } from "@mcp/db";
import { createTestDatabase, migrateThrough } from "@mcp/db/testing";
import { ExecutorService, RunStatus, type GetRunStatsResponse } from "@mcp/proto/executor";
import { WorkspaceService } from "@mcp/proto/registry";
import { Client } from "pg";
import { expectCode } from "../support/errors";
import { uniqueName } from "../support/mcps";
import { ECHO_SCRIPT, scriptConfig } from "../support/scripts";
import { startPlatform, type TestPlatform } from "../support/platform";

const HOUR = 3_600_000;
const FINAL = ["succeeded", "failed", "partially_succeeded", "cancelled"];

/** A run row as the independent computation reads it back. */
interface Row {
  id: string;
  workspace: string;
  workflow_name: string | null;
  name: string | null;
  status: string;
  created: number;
  finished: boolean;
  /** started → finished in ms as PostgreSQL computes it (µs precise); null unless both are set. */
  ms: number | null;
  error: { code?: string; message?: string } | null;
}

/** PostgreSQL's percentile_cont over exact values. */
function percentileCont(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  return sorted[lo]! + (rank - lo) * ((sorted[lo + 1] ?? sorted[lo]!) - sorted[lo]!);
}

/** What GetRunStats should answer for `workspace`'s rows, computed from the rows alone. */
function expected(rows: Row[], workspace: string, windowStart: number, failuresLimit: number) {
  const mine = rows.filter((r) => r.workspace === workspace);
  const inWindow = mine.filter((r) => r.created >= windowStart);
  const hourly = new Map<number, Record<string, number>>();
  for (const r of inWindow) {
    const hour = Math.floor(r.created / HOUR) * HOUR;
    const counts = hourly.get(hour) ?? {};
    counts[r.status.toUpperCase()] = (counts[r.status.toUpperCase()] ?? 0) + 1;
    hourly.set(hour, counts);
  }
  const byWorkflow = new Map<string, Row[]>();
  for (const r of inWindow.filter((r) => r.workflow_name !== null))
    byWorkflow.set(r.workflow_name!, [...(byWorkflow.get(r.workflow_name!) ?? []), r]);
  const workflows = [...byWorkflow]
    .map(([name, runs]) => {
      const durations = runs.flatMap((r) => (r.ms === null ? [] : [r.ms]));
      return {
        name,
        runs: runs.length,
        failed: runs.filter((r) => r.status === "failed").length,
        finished: runs.filter((r) => FINAL.includes(r.status) && r.finished).length,
        p50: durations.length ? percentileCont(durations, 0.5) : 0,
        p95: durations.length ? percentileCont(durations, 0.95) : 0,
      };
    })
    .sort((a, b) => b.runs - a.runs || (a.name < b.name ? -1 : 1));
  const failures = inWindow
    .filter((r) => r.status === "failed")
    .sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1))
    .slice(0, failuresLimit);
  return {
    hourly,
    workflows,
    runningNow: mine.filter((r) => r.status === "running").length,
    failures,
  };
}

/** A seeded pseudo-random source, so a failure can be replayed. */
function seeded(seed: number) {
  return () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

describe("GetRunStats", () => {
  let p: TestPlatform;
  let pg: Client;
  /** The start of the current hour when the rows were written. */
  let thisHour: number;
  /** PostgreSQL's clock when the rows were written. */
  let now: number;
  /** The other workspace, whose runs share workflow names with `default`'s. */
  const teamB = uniqueName("team-b").toLowerCase();
  let boundary: string;
  const random = seeded(19);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;

  /** One run row; `at` = created, `ms` = started → finished (undefined: not finished). */
  const insert = async (run: {
    workspace?: string;
    workflow?: string | null;
    mcp?: string;
    status: string;
    created: Date;
    ms?: number;
    started?: boolean;
    error?: object;
    queued?: boolean;
  }): Promise<string> => {
    const id = randomUUID();
    const started = run.started === false ? null : new Date(run.created.getTime() + 1000);
    const finished = run.ms === undefined ? null : new Date((started ?? run.created).getTime() + run.ms);
    const live = run.status === "running" || run.status === "pending";
    await pg.query(
      `INSERT INTO workflow_runs (id, workspace, kind, workflow_name, mcp_name, status, error, owner,
                                  lease_expires_at, wake_at, created_at, started_at, finished_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now())`,
      [
        id,
        run.workspace ?? "default",
        run.workflow ? "workflow" : "mcp",
        run.workflow ?? null,
        run.mcp ?? null,
        run.status,
        run.error ? JSON.stringify(run.error) : null,
        // a live run is someone else's, its lease far off, or queued: no executor here claims it
        run.status === "running" ? "elsewhere" : null,
        run.status === "running" ? new Date(Date.now() + 24 * HOUR) : null,
        live && run.queued !== false ? "infinity" : null,
        run.created,
        started,
        finished,
      ],
    );
    return id;
  };

  /** A run of random shape created in the last `hours` hours (or at `created`). */
  const randomRun = (hours: number, workspace = "default") => {
    const status = pick([
      "succeeded",
      "succeeded",
      "succeeded",
      "failed",
      "partially_succeeded",
      "cancelled",
    ]);
    const mcpOnly = random() < 0.15;
    return {
      workspace,
      workflow: mcpOnly ? null : pick(["alpha", "beta", "gamma"]),
      ...(mcpOnly ? { mcp: "solo" } : {}),
      status,
      created: new Date(now - Math.floor(random() * hours * HOUR)),
      // log-uniform from 0.2 ms to ~14 minutes
      ms: 0.2 * 2 ** (random() * 22),
      started: status === "cancelled" ? random() < 0.5 : true,
      ...(status === "failed"
        ? { error: { code: `E${Math.floor(random() * 100)}`, message: "line 1\nline 2" } }
        : {}),
    };
  };

  /** Every run row, with PostgreSQL's own durations. */
  const rows = async (): Promise<Row[]> =>
    (
      await pg.query<Omit<Row, "created"> & { created_at: Date }>(
        `SELECT id, workspace, workflow_name, coalesce(workflow_name, mcp_name) AS name, status, created_at,
                finished_at IS NOT NULL AS finished, error,
                CASE WHEN started_at IS NOT NULL AND finished_at IS NOT NULL
                     THEN extract(epoch FROM finished_at - started_at)::float8 * 1000 END AS ms
           FROM workflow_runs`,
      )
    ).rows.map(({ created_at, ...r }) => ({ ...r, created: new Date(created_at).getTime() }));

  beforeAll(async () => {
    const db = await createTestDatabase();
    now = (await pgNow(db.url)).getTime();
    thisHour = Math.floor(now / HOUR) * HOUR;

    // the schema as the release before the rollup left it, with history in it: the backfill's input
    await migrateThrough(db.url, "RunTrace1768700000000");
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    for (let i = 0; i < 80; i++) await insert(randomRun(200, i % 5 === 0 ? teamB : "default"));
    await insert({ workflow: "alpha", status: "running", created: new Date(thisHour - 2 * HOUR) });

    p = await startPlatform({ db });
    await createClient(WorkspaceService, createGrpcTransport({ baseUrl: p.registry.url })).createWorkspace({
      name: teamB,
    });

    // inserted finished, after the migration
    for (let i = 0; i < 60; i++) await insert(randomRun(50, i % 6 === 0 ? teamB : "default"));
    // on the edge of a 24-hour window: in it
    await insert({ workflow: "beta", status: "succeeded", created: new Date(thisHour - 24 * HOUR), ms: 5 });
    await insert({ workflow: "beta", status: "failed", created: new Date(thisHour - 24 * HOUR - 1), ms: 5 });
    // live runs ended later, as a driver's fenced write does: one created at 10:59:59.5 ends at 11:00:30
    const ending: { id: string; ms: number; status: string }[] = [];
    for (let i = 0; i < 15; i++) {
      const run = randomRun(30);
      const id = await insert({ ...run, status: "running", ms: undefined });
      ending.push({ id, ms: run.ms, status: run.status });
    }
    boundary = await insert({
      workflow: "gamma",
      status: "running",
      created: new Date(thisHour - 3 * HOUR - 500),
    });
    ending.push({ id: boundary, ms: 29_500, status: "failed" });
    for (const e of ending)
      await pg.query(
        `UPDATE workflow_runs SET status = $2, finished_at = started_at + $3 * interval '1 millisecond',
                error = CASE WHEN $2 = 'failed' THEN '{"code": "LATE", "message": "x"}'::jsonb END
          WHERE id = $1`,
        [e.id, e.status, e.ms],
      );
    // finished runs changed afterwards (a status, a finish time) and deleted (one statement, several rows)
    const finished = (await rows()).filter((r) => FINAL.includes(r.status) && r.workspace === "default");
    await pg.query("UPDATE workflow_runs SET status = 'failed' WHERE id = $1", [finished[0]!.id]);
    await pg.query(
      "UPDATE workflow_runs SET finished_at = finished_at + interval '7 seconds' WHERE id = $1",
      [finished[1]!.id],
    );
    await pg.query("DELETE FROM workflow_runs WHERE id = ANY($1::uuid[])", [
      finished.slice(2, 12).map((r) => r.id),
    ]);

    // a real run, driven and ended by the executor
    const mcp = uniqueName("stats");
    await p.clients.registry.createMcp({ name: mcp, config: scriptConfig(ECHO_SCRIPT) });
    await p.clients.workflows.createWorkflow({
      name: "alpha",
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
    const real = await p.clients.executor.executeWorkflow({
      workflow: { workflow: { case: "name", value: "alpha" } },
      wait: true,
    });
    expect(real.run?.status).toBe(RunStatus.SUCCEEDED);
    // and an undriven (queued) run cancelled through CancelRun: finished, never started
    const queued = await insert({
      workflow: "beta",
      status: "pending",
      created: new Date(thisHour - HOUR),
      started: false,
    });
    const cancelled = await p.clients.executor.cancelRun({ id: queued, reason: "no longer needed" });
    expect(cancelled.run?.status).toBe(RunStatus.CANCELLED);
  }, 240_000);
  afterAll(async () => {
    await pg?.end();
    await p?.stop();
  });

  /** GetRunStats as seen from `workspace` (the `x-mcp-workspace` header). */
  const statsIn = (workspace: string) => {
    const header: Interceptor = (next) => (req) => {
      req.header.set("x-mcp-workspace", workspace);
      return next(req);
    };
    return createClient(
      ExecutorService,
      createGrpcTransport({ baseUrl: p.executors[0]!.server.url, interceptors: [header] }),
    );
  };

  /** Asserts `res` equals the independent computation over `workspace`'s rows now. */
  const check = async (res: GetRunStatsResponse, failuresLimit: number, workspace = "default") => {
    const start = timestampDate(res.windowStart!).getTime();
    expect(start % HOUR).toBe(0);
    const want = expected(await rows(), workspace, start, failuresLimit);

    const got = new Map(
      res.hourly.map((h) => [
        timestampDate(h.hour!).getTime(),
        Object.fromEntries(h.counts.map((c) => [RunStatus[c.status], Number(c.count)])),
      ]),
    );
    expect(got).toEqual(want.hourly);

    expect(
      res.workflows.map((w) => [w.workflowName, Number(w.runs), Number(w.failed), Number(w.finished)]),
    ).toEqual(want.workflows.map((w) => [w.name, w.runs, w.failed, w.finished]));
    res.workflows.forEach((w, i) => {
      const exact = want.workflows[i]!;
      expect(w.failureRate).toBeCloseTo(exact.finished ? exact.failed / exact.finished : 0, 10);
      for (const [estimate, value] of [
        [w.p50DurationMs, exact.p50],
        [w.p95DurationMs, exact.p95],
      ] as const) {
        expect(Math.abs(estimate - value)).toBeLessThanOrEqual(
          PERCENTILE_RELATIVE_ERROR * value + PERCENTILE_ABSOLUTE_ERROR_MS,
        );
      }
    });

    expect(Number(res.runningNow)).toBe(want.runningNow);
    expect(res.recentFailures.map((f) => [f.runId, f.name, f.error?.code, f.error?.message])).toEqual(
      want.failures.map((f) => [f.id, f.name, f.error?.code ?? "", f.error?.message ?? ""]),
    );
  };

  it("keeps the rollup equal to the runs grouped afresh, whichever way they got there", async () => {
    const key = (r: Record<string, unknown>) =>
      JSON.stringify([
        r["workspace"],
        new Date(r["hour"] as Date).toISOString(),
        r["workflow_name"],
        r["status"],
        r["runs"],
        Object.entries(r["histogram"] as Record<string, number>).sort(([a], [b]) => Number(a) - Number(b)),
      ]);
    const fresh = (await pg.query(ROLLUP_OF_RUNS_SQL)).rows.map(key).sort();
    const kept = (await pg.query("SELECT * FROM run_stats_hourly")).rows.map(key).sort();
    expect(kept).toEqual(fresh);
    expect(kept.length).toBeGreaterThan(50);
    // every row's count is its histogram's total
    const { rows: off } = await pg.query(
      `SELECT * FROM run_stats_hourly h
        WHERE runs <> (SELECT COALESCE(sum(value::int), 0) FROM jsonb_each_text(h.histogram))`,
    );
    expect(off).toEqual([]);
  });

  it("answers the default day exactly (percentiles within the stated error), the boundary run in the hour it was created", async () => {
    const res = await p.clients.executor.getRunStats({});
    expect(timestampDate(res.windowStart!).getTime()).toBe(thisHour - 24 * HOUR);
    await check(res, 10);
    expect(res.workflows.map((w) => w.workflowName).sort()).toEqual(["alpha", "beta", "gamma"]);
    // the check above counted it in the hour it was created in, not the one it ended in
    const { rows: edge } = await pg.query<{ created: Date; finished: Date }>(
      "SELECT date_trunc('hour', created_at) AS created, date_trunc('hour', finished_at) AS finished FROM workflow_runs WHERE id = $1",
      [boundary],
    );
    expect(new Date(edge[0]!.finished).getTime() - new Date(edge[0]!.created).getTime()).toBe(HOUR);
  });

  it("answers another workspace with its own runs only", async () => {
    const res = await statsIn(teamB).getRunStats({ windowHours: 168 });
    await check(res, 10, teamB);
    expect(res.workflows.length).toBeGreaterThan(0);
    expect(Number(res.runningNow)).toBe(0);
  });

  it.each([1, 3, 48, 168])("answers a window of %i hours exactly too", async (windowHours) => {
    await check(await p.clients.executor.getRunStats({ windowHours, recentFailuresLimit: 3 }), 3);
  });

  it.each([
    [{ windowHours: 169 }, "window_hours"],
    [{ windowHours: -1 }, "window_hours"],
    [{ recentFailuresLimit: 101 }, "recent_failures_limit"],
  ])("refuses %j with INVALID_ARGUMENT naming %s", async (req, field) => {
    const err = await expectCode(p.clients.executor.getRunStats(req), Code.InvalidArgument);
    expect(err.rawMessage).toContain(field);
  });
});

/** PostgreSQL's clock (the rows' times are relative to it). */
async function pgNow(url: string): Promise<Date> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return new Date((await c.query<{ now: Date }>("SELECT now() AS now")).rows[0]!.now);
  } finally {
    await c.end();
  }
}
