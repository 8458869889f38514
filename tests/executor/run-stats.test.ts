/**
 * GetRunStats against a real platform: runs written straight into a fresh database at known times,
 * statuses and durations, then the figures checked exactly (hourly counts, failure rates, p50/p95,
 * running now, recent failures, the window's edge), and bad requests refused with INVALID_ARGUMENT.
 */
import { randomUUID } from "node:crypto";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { RunStatus, type GetRunStatsResponse } from "@mcp/proto/executor";
import { Client } from "pg";
import { expectCode } from "../support/errors";
import { startPlatform, type TestPlatform } from "../support/platform";

const HOUR = 3_600_000;

describe("GetRunStats", () => {
  let p: TestPlatform;
  let pg: Client;
  /** The start of the current hour, as PostgreSQL saw it when the rows were written. */
  let thisHour: number;

  /** One run created `hoursAgo` whole hours before this hour (+5 min), lasting `ms`. */
  const insert = async (run: {
    workflow?: string;
    mcp?: string;
    status: string;
    hoursAgo: number;
    ms?: number;
    error?: object;
  }) => {
    const created = new Date(thisHour - run.hoursAgo * HOUR + 5 * 60_000);
    const started = new Date(created.getTime() + 1000);
    const finished = run.ms === undefined ? null : new Date(started.getTime() + run.ms);
    await pg.query(
      `INSERT INTO workflow_runs (id, kind, workflow_name, mcp_name, status, error, owner, lease_expires_at,
                                  created_at, started_at, finished_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now())`,
      [
        randomUUID(),
        run.workflow ? "workflow" : "mcp",
        run.workflow ?? null,
        run.mcp ?? null,
        run.status,
        run.error ? JSON.stringify(run.error) : null,
        // a running run is someone else's, its lease far off: no executor here claims it
        run.status === "running" ? "elsewhere" : null,
        run.status === "running" ? new Date(Date.now() + 24 * HOUR) : null,
        created,
        started,
        finished,
      ],
    );
  };

  beforeAll(async () => {
    p = await startPlatform();
    pg = new Client({ connectionString: p.db.url });
    await pg.connect();
    thisHour = new Date(
      (await pg.query<{ h: Date }>("SELECT date_trunc('hour', now()) AS h")).rows[0]!.h,
    ).getTime();
    for (const ms of [100, 200, 300])
      await insert({ workflow: "alpha", status: "succeeded", hoursAgo: 2, ms });
    await insert({
      workflow: "alpha",
      status: "failed",
      hoursAgo: 2,
      ms: 400,
      error: { code: "SCRIPT_ERROR", message: "Traceback (most recent call last):\n  boom", stepId: "s" },
    });
    await insert({ workflow: "beta", status: "succeeded", hoursAgo: 1, ms: 1000 });
    await insert({ workflow: "beta", status: "running", hoursAgo: 1 });
    await insert({
      mcp: "solo",
      status: "failed",
      hoursAgo: 1,
      ms: 10,
      error: { code: "TIMEOUT", message: "late" },
    });
    // outside a 24-hour window, inside a 48-hour one
    await insert({
      workflow: "alpha",
      status: "failed",
      hoursAgo: 30,
      ms: 50,
      error: { code: "OLD", message: "old" },
    });
  }, 120_000);
  afterAll(async () => {
    await pg?.end();
    await p?.stop();
  });

  const countsAt = (res: GetRunStatsResponse, hoursAgo: number) => {
    const hour = res.hourly.find((h) => timestampDate(h.hour!).getTime() === thisHour - hoursAgo * HOUR);
    return Object.fromEntries((hour?.counts ?? []).map((c) => [RunStatus[c.status], Number(c.count)]));
  };

  it("counts runs per hour by status, per workflow with failure rate and p50/p95, running now and recent failures", async () => {
    const res = await p.clients.executor.getRunStats({});
    expect(timestampDate(res.windowStart!).getTime()).toBe(thisHour - 24 * HOUR);
    expect(countsAt(res, 2)).toEqual({ SUCCEEDED: 3, FAILED: 1 });
    expect(countsAt(res, 1)).toEqual({ SUCCEEDED: 1, RUNNING: 1, FAILED: 1 });
    expect(res.hourly).toHaveLength(2);
    expect(res.runningNow).toBe(1n);

    const alpha = res.workflows.find((w) => w.workflowName === "alpha")!;
    expect([alpha.runs, alpha.failed, alpha.finished]).toEqual([4n, 1n, 4n]);
    expect(alpha.failureRate).toBeCloseTo(0.25);
    expect(alpha.p50DurationMs).toBeCloseTo(250); // the median of 100, 200, 300, 400
    expect(alpha.p95DurationMs).toBeCloseTo(385); // interpolated: 300 + 0.85 × 100
    const beta = res.workflows.find((w) => w.workflowName === "beta")!;
    expect([beta.runs, beta.failed, beta.finished]).toEqual([2n, 0n, 1n]);
    expect(beta.failureRate).toBe(0);
    expect(beta.p50DurationMs).toBeCloseTo(1000);
    expect(res.workflows.map((w) => w.workflowName)).toEqual(["alpha", "beta"]); // most runs first

    expect(res.recentFailures.map((f) => [f.name, f.error?.code])).toEqual([
      ["solo", "TIMEOUT"],
      ["alpha", "SCRIPT_ERROR"],
    ]);
    expect(res.recentFailures[1]!.error!.message).toBe("Traceback (most recent call last):\n  boom");
    expect(res.recentFailures[1]!.error!.stepId).toBe("s");
  });

  it("widens and narrows with the window and the failures limit", async () => {
    const wide = await p.clients.executor.getRunStats({ windowHours: 48 });
    expect(countsAt(wide, 30)).toEqual({ FAILED: 1 });
    const alpha = wide.workflows.find((w) => w.workflowName === "alpha")!;
    expect([alpha.runs, alpha.failed]).toEqual([5n, 2n]);
    expect(wide.recentFailures.map((f) => f.error?.code)).toEqual(["TIMEOUT", "SCRIPT_ERROR", "OLD"]);

    const narrow = await p.clients.executor.getRunStats({ windowHours: 1, recentFailuresLimit: 1 });
    expect(narrow.hourly.map((h) => timestampDate(h.hour!).getTime())).toEqual([thisHour - HOUR]);
    expect(narrow.workflows.map((w) => [w.workflowName, w.runs])).toEqual([["beta", 2n]]);
    expect(narrow.recentFailures.map((f) => f.name)).toEqual(["solo"]);
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
