import type { Client } from "@connectrpc/connect";
import { OverlapPolicy, type ScheduleService } from "@mcp/proto/executor";
import { Client as PgClient } from "pg";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { oneStepWorkflow, scheduleClient, scheduleTicks } from "../support/schedules";
import { waitFor } from "../support/wait-for";

interface RunTimes {
  readonly id: string;
  readonly status: string;
  readonly tick: number;
  readonly created: number;
  readonly finished: number | null;
}

/** The runs of a schedule with their tick, creation and end times, by tick. */
async function runTimes(dbUrl: string, scheduleId: string): Promise<RunTimes[]> {
  const pg = new PgClient({ connectionString: dbUrl });
  await pg.connect();
  try {
    const { rows } = await pg.query<{
      id: string;
      status: string;
      schedule_tick_at: Date;
      created_at: Date;
      finished_at: Date | null;
    }>(
      "SELECT id, status, schedule_tick_at, created_at, finished_at FROM workflow_runs WHERE schedule_id = $1 ORDER BY schedule_tick_at",
      [scheduleId],
    );
    return rows.map((r) => ({
      id: r.id,
      status: r.status,
      tick: r.schedule_tick_at.getTime(),
      created: r.created_at.getTime(),
      finished: r.finished_at?.getTime() ?? null,
    }));
  } finally {
    await pg.end();
  }
}

describe("overlap policies", () => {
  let p: TestPlatform;
  let schedules: Client<typeof ScheduleService>;
  let sleeper: string;

  beforeAll(async () => {
    p = await startPlatform({ executorEnv: { SCHEDULE_POLL_MS: "200" } });
    schedules = scheduleClient(p.executors[0]!.server.url);
    sleeper = await oneStepWorkflow(p, "sleep");
  });
  afterAll(async () => {
    await p?.stop();
  });

  const create = async (policy: OverlapPolicy, seconds: string) =>
    (
      await schedules.createSchedule({
        name: uniqueName("overlap"),
        spec: {
          workflow: { workflow: { case: "name", value: sleeper } },
          inputs: { seconds },
          cron: "* * * * * *",
          overlapPolicy: policy,
        },
      })
    ).schedule!;

  it("buffer_one: one tick waits for the running run and starts when it ends; the others are skipped; runs never overlap", async () => {
    const s = await create(OverlapPolicy.BUFFER_ONE, "2");
    const runs = await waitFor(
      "three finished runs",
      async () => {
        const all = await runTimes(p.db.url, s.id);
        return all.filter((r) => r.finished !== null).length >= 3 ? all : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 250 },
    );
    await schedules.pauseSchedule({ name: s.name });
    const finished = runs.filter((r) => r.finished !== null);
    // each run was created after the one before it ended
    for (let i = 1; i < finished.length; i++) {
      expect(finished[i]!.created).toBeGreaterThanOrEqual(finished[i - 1]!.finished!);
    }
    // a buffered tick started its run well after its own time
    expect(finished.slice(1).some((r) => r.created - r.tick >= 1000)).toBe(true);
    const ticks = await scheduleTicks(p.db.url, s.id);
    expect(ticks.filter((t) => t.outcome === "buffered").length).toBeLessThanOrEqual(1);
    const skipped = (await schedules.getSchedule({ name: s.name })).schedule!.recentTicks.filter((t) =>
      /another tick already waits/.test(t.reason),
    );
    expect(skipped.length).toBeGreaterThan(0);
  });

  it("cancel_previous: each tick cancels the running run and starts its own", async () => {
    const s = await create(OverlapPolicy.CANCEL_PREVIOUS, "60");
    await waitFor(
      "two cancelled runs",
      async () =>
        (await runTimes(p.db.url, s.id)).filter((r) => r.status === "cancelled").length >= 2
          ? true
          : undefined,
      { timeoutMs: 90_000, intervalMs: 250 },
    );
    await schedules.pauseSchedule({ name: s.name });
    // a tick fired just before the pause may still be cancelling the run before it
    const runs = await waitFor(
      "every run but the newest ended",
      async () => {
        const all = await runTimes(p.db.url, s.id);
        return all.slice(0, -1).every((r) => r.finished !== null) ? all : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    // every run but the newest was cancelled (the newest may still run)
    expect(runs.slice(0, -1).filter((r) => r.status !== "cancelled")).toEqual([]);
    // and every earlier run has ended
    for (let i = 1; i < runs.length; i++) expect(runs[i - 1]!.finished).not.toBeNull();
    await p.clients.executor.cancelRun({ id: runs[runs.length - 1]!.id }).catch(() => undefined);
  });
});
