import { Code, type Client } from "@connectrpc/connect";
import { OverlapPolicy, RunStatus, TickOutcome, type ScheduleService } from "@mcp/proto/executor";
import { expectCode, fieldsOf } from "../support/errors";
import { startPlatform, type TestPlatform } from "../support/platform";
import { oneStepWorkflow, scheduleClient, scheduledRuns, scheduleTicks } from "../support/schedules";
import { uniqueName } from "../support/mcps";
import { waitFor } from "../support/wait-for";

/** The BadRequest field paths of an INVALID_ARGUMENT. */
async function invalidFields(call: Promise<unknown>): Promise<string[]> {
  return fieldsOf(await expectCode(call, Code.InvalidArgument));
}

const everySecond = "* * * * * *";
const never = "0 0 0 1 1 * 2099"; // far in the future: fires only when triggered

describe("ScheduleService", () => {
  let p: TestPlatform;
  let schedules: Client<typeof ScheduleService>;
  let echo: string;
  let sleeper: string;

  beforeAll(async () => {
    p = await startPlatform({ executorEnv: { SCHEDULE_POLL_MS: "200" } });
    schedules = scheduleClient(p.executors[0]!.server.url);
    echo = await oneStepWorkflow(p, "echo");
    sleeper = await oneStepWorkflow(p, "sleep");
  });
  afterAll(async () => {
    await p?.stop();
  });

  const spec = (over: Record<string, unknown> = {}) => ({
    workflow: { workflow: { case: "name" as const, value: echo } },
    inputs: { text: "hello" },
    cron: never,
    ...over,
  });

  it("CreateSchedule refuses bad input with precise statuses and field violations, and creates nothing", async () => {
    const name = uniqueName("bad");
    expect(
      await invalidFields(schedules.createSchedule({ name, spec: spec({ cron: "61 * * * *" }) })),
    ).toEqual(["spec.cron"]);
    expect(
      await invalidFields(schedules.createSchedule({ name, spec: spec({ cron: "every day" }) })),
    ).toEqual(["spec.cron"]);
    expect(
      await invalidFields(schedules.createSchedule({ name, spec: spec({ cron: "0 0 30 2 *" }) })),
    ).toEqual(["spec.cron"]);
    expect(
      await invalidFields(schedules.createSchedule({ name, spec: spec({ timeZone: "Mars/Olympus" }) })),
    ).toEqual(["spec.time_zone"]);
    expect(
      await invalidFields(
        schedules.createSchedule({ name, spec: spec({ catchUpWindow: { seconds: BigInt(-5), nanos: 0 } }) }),
      ),
    ).toEqual(["spec.catch_up_window"]);
    expect(
      await invalidFields(
        schedules.createSchedule({
          name,
          spec: spec({ catchUpWindow: { seconds: BigInt(365 * 86400), nanos: 0 } }),
        }),
      ),
    ).toEqual(["spec.catch_up_window"]);
    expect(
      await invalidFields(schedules.createSchedule({ name, spec: spec({ workflow: undefined }) })),
    ).toEqual(["spec.workflow"]);
    expect(await invalidFields(schedules.createSchedule({ name: "1 bad name", spec: spec() }))).toEqual([
      "name",
    ]);
    // the workflow's inputs: an unknown one and a missing required one, each named
    expect(
      await invalidFields(schedules.createSchedule({ name, spec: spec({ inputs: { nope: 1 } }) })),
    ).toEqual(["spec.inputs.nope", "spec.inputs.text"]);
    const missing = await expectCode(
      schedules.createSchedule({
        name,
        spec: spec({ workflow: { workflow: { case: "name", value: uniqueName("missing") } } }),
      }),
      Code.NotFound,
    );
    expect(missing.rawMessage).toMatch(/spec\.workflow/);
    expect(fieldsOf(missing)).toEqual(["spec.workflow"]);
    const noVersion = await expectCode(
      schedules.createSchedule({
        name,
        spec: spec({ workflow: { workflow: { case: "name", value: echo }, version: 7 } }),
      }),
      Code.NotFound,
    );
    expect(fieldsOf(noVersion)).toEqual(["spec.workflow"]);
    await expectCode(schedules.getSchedule({ name }), Code.NotFound);
    const listed = await schedules.listSchedules({ workflow: echo });
    expect(listed.schedules.map((s) => s.name)).not.toContain(name);
  });

  it("CreateSchedule and GetSchedule: the next 5 fire times in the schedule's time zone, defaults filled in", async () => {
    const name = uniqueName("daily");
    const created = await schedules.createSchedule({
      name,
      spec: spec({ cron: "30 9 * * *", timeZone: "Asia/Kolkata" }),
    });
    const s = created.schedule!;
    expect(s.overlapPolicy).toBe(OverlapPolicy.SKIP);
    expect(Number(s.catchUpWindow!.seconds)).toBe(60);
    expect(s.nextFireTimes).toHaveLength(5);
    // 09:30 in Kolkata (UTC+5:30) is 04:00 UTC, one day apart
    const times = s.nextFireTimes.map((t) => new Date(Number(t.seconds) * 1000));
    expect(times.map((t) => t.toISOString().slice(11, 19))).toEqual(Array(5).fill("04:00:00"));
    expect(times[1]!.getTime() - times[0]!.getTime()).toBe(86_400_000);
    const got = (await schedules.getSchedule({ name: name.toUpperCase() })).schedule!;
    expect(got.id).toBe(s.id);
    expect(got.recentTicks).toEqual([]);
    await expectCode(
      schedules.createSchedule({ name: name.toUpperCase(), spec: spec() }),
      Code.AlreadyExists,
    );
  });

  it("ListSchedules pages by name and filters by workflow", async () => {
    const workflow = await oneStepWorkflow(p, "echo");
    const names = ["a", "b", "c", "d", "e"].map((x) => `list-${x}-${uniqueName("s")}`);
    for (const name of names) {
      await schedules.createSchedule({
        name,
        spec: spec({ workflow: { workflow: { case: "name", value: workflow } } }),
      });
    }
    const seen: string[] = [];
    let pageToken = "";
    do {
      const page = await schedules.listSchedules({ workflow, pageSize: 2, pageToken });
      expect(page.schedules.length).toBeLessThanOrEqual(2);
      seen.push(...page.schedules.map((s) => s.name));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(seen).toEqual(names);
    await expectCode(schedules.listSchedules({ workflow: echo, pageToken: "garbage" }), Code.InvalidArgument);
  });

  it("UpdateSchedule changes the masked fields, checks them like CreateSchedule, and honours the etag", async () => {
    const name = uniqueName("upd");
    const s = (await schedules.createSchedule({ name, spec: spec() })).schedule!;
    expect(
      await invalidFields(
        schedules.updateSchedule({ name, spec: { cron: "nope" }, updateMask: { paths: ["cron"] } }),
      ),
    ).toEqual(["spec.cron"]);
    expect(
      await invalidFields(
        schedules.updateSchedule({ name, spec: { inputs: { other: 1 } }, updateMask: { paths: ["inputs"] } }),
      ),
    ).toEqual(["spec.inputs.other", "spec.inputs.text"]);
    expect(await invalidFields(schedules.updateSchedule({ name, updateMask: { paths: ["name"] } }))).toEqual([
      "update_mask.paths[0]",
    ]);
    const unchanged = (await schedules.getSchedule({ name })).schedule!;
    expect(unchanged.etag).toBe(s.etag);
    const updated = (
      await schedules.updateSchedule({
        name,
        etag: s.etag,
        spec: { cron: "0 12 * * 1", timeZone: "Europe/Berlin", overlapPolicy: OverlapPolicy.ALLOW },
      })
    ).schedule!;
    expect(updated.cron).toBe("0 12 * * 1");
    expect(updated.timeZone).toBe("Europe/Berlin");
    expect(updated.overlapPolicy).toBe(OverlapPolicy.ALLOW);
    expect(updated.inputs).toEqual({ text: "hello" });
    expect(updated.etag).not.toBe(s.etag);
    await expectCode(
      schedules.updateSchedule({ name, etag: s.etag, spec: { description: "x" } }),
      Code.Aborted,
    );
    await expectCode(schedules.deleteSchedule({ name, etag: s.etag }), Code.Aborted);
    await schedules.deleteSchedule({ name, etag: updated.etag });
    await expectCode(schedules.getSchedule({ name }), Code.NotFound);
  });

  it("TriggerSchedule fires now, once per request id, and the run records its schedule and tick", async () => {
    const name = uniqueName("trig");
    const s = (await schedules.createSchedule({ name, spec: spec(), paused: true })).schedule!;
    const first = await schedules.triggerSchedule({ name, requestId: "once" });
    expect(first.tick!.outcome).toBe(TickOutcome.STARTED);
    expect(first.tick!.manual).toBe(true);
    expect(first.run!.scheduleId).toBe(s.id);
    expect(first.run!.scheduleTickTime).toEqual(first.tick!.tickTime);
    const again = await schedules.triggerSchedule({ name, requestId: "once" });
    expect(again.run!.id).toBe(first.run!.id);
    const run = await waitFor("the triggered run to succeed", async () => {
      const got = (await p.clients.executor.getRun({ id: first.run!.id })).run!;
      return got.status === RunStatus.SUCCEEDED ? got : undefined;
    });
    expect(run.steps[0]!.outputs).toEqual({ text: "hello" });
    const view = (await schedules.getSchedule({ name })).schedule!;
    expect(view.recentTicks.map((t) => [t.runId, t.runStatus])).toEqual([
      [first.run!.id, RunStatus.SUCCEEDED],
    ]);
    expect(await scheduledRuns(p.db.url, s.id)).toHaveLength(1);
  });

  it("pause stops firing and resume starts again; every tick makes one run", async () => {
    const name = uniqueName("pr");
    const s = (
      await schedules.createSchedule({
        name,
        spec: spec({ cron: everySecond, overlapPolicy: OverlapPolicy.ALLOW }),
      })
    ).schedule!;
    await waitFor(
      "two ticks",
      async () => ((await scheduledRuns(p.db.url, s.id)).length >= 2 ? true : undefined),
      {
        timeoutMs: 30_000,
      },
    );
    const paused = (await schedules.pauseSchedule({ name, reason: "maintenance" })).schedule!;
    expect(paused.paused).toBe(true);
    expect(paused.pauseReason).toBe("maintenance");
    expect(paused.nextFireTimes).toEqual([]);
    // a pass under way when the pause landed may still record the tick it had locked
    const pausedAt = Date.now() + 1000;
    const before = (await scheduledRuns(p.db.url, s.id)).length;
    // three seconds of ticks pass while paused: none records a run
    await waitFor(
      "three seconds of paused ticks",
      async () => (Date.now() > pausedAt + 3000 ? true : undefined),
      {
        timeoutMs: 10_000,
      },
    );
    const during = await scheduledRuns(p.db.url, s.id);
    expect(during.filter((r) => r.tick > pausedAt)).toEqual([]);
    expect(during.length).toBeLessThanOrEqual(before + 1);
    const resumed = (await schedules.resumeSchedule({ name })).schedule!;
    expect(resumed.paused).toBe(false);
    expect(resumed.nextFireTimes).toHaveLength(5);
    await waitFor(
      "ticks after the resume",
      async () =>
        (await scheduledRuns(p.db.url, s.id)).filter((r) => r.tick > pausedAt + 3000).length >= 2
          ? true
          : undefined,
      { timeoutMs: 30_000 },
    );
    await schedules.pauseSchedule({ name });
    const runs = await scheduledRuns(p.db.url, s.id);
    expect(new Set(runs.map((r) => r.tick)).size).toBe(runs.length);
  });

  it("skip: a tick while the previous run is still running starts no run", async () => {
    const name = uniqueName("skip");
    const s = (
      await schedules.createSchedule({
        name,
        spec: {
          workflow: { workflow: { case: "name", value: sleeper } },
          inputs: { seconds: "4" },
          cron: everySecond,
          overlapPolicy: OverlapPolicy.SKIP,
        },
      })
    ).schedule!;
    await waitFor(
      "a skipped tick after a started one",
      async () => {
        const ticks = await scheduleTicks(p.db.url, s.id);
        return ticks.some((t) => t.outcome === "skipped") && ticks.some((t) => t.outcome === "started")
          ? true
          : undefined;
      },
      { timeoutMs: 60_000 },
    );
    await schedules.pauseSchedule({ name });
    const runs = await scheduledRuns(p.db.url, s.id);
    const ticks = await scheduleTicks(p.db.url, s.id);
    // runs never overlapped: at most one was live at any tick, and each skipped tick fell within one
    const started = ticks.filter((t) => t.outcome === "started");
    expect(runs.map((r) => r.id).sort()).toEqual(started.map((t) => t.runId).sort());
    const view = (await schedules.getSchedule({ name })).schedule!;
    const skipped = view.recentTicks.filter((t) => t.outcome === TickOutcome.SKIPPED);
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped[0]!.reason).toMatch(/still running \(overlap policy skip\)/);
  });
});
