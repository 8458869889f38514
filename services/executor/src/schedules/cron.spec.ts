import type { ScheduleEntity } from "@mcp/db";
import { checkCron, dueTicks, MAX_TICKS_PER_PASS, nextFireTimes } from "./cron";

const schedule = (over: Partial<ScheduleEntity>): ScheduleEntity =>
  ({
    cron: "* * * * * *",
    timeZone: "UTC",
    catchUpWindowMs: 60_000,
    nextFireAt: new Date("2026-01-01T00:00:00Z"),
    ...over,
  }) as ScheduleEntity;

const iso = (dates: readonly Date[]) => dates.map((d) => d.toISOString());

describe("checkCron", () => {
  it("accepts 5, 6 and 7 field expressions and nicknames in a known zone", () => {
    expect(checkCron("*/5 * * * *", "Europe/Berlin", "spec.")).toEqual([]);
    expect(checkCron("*/2 * * * * *", "", "spec.")).toEqual([]);
    expect(checkCron("0 0 0 1 1 * 2099", "UTC", "spec.")).toEqual([]);
    expect(checkCron("@daily", "America/New_York", "spec.")).toEqual([]);
  });

  it("names the field of a bad expression, an unknown zone, one that never fires, and an empty one", () => {
    expect(checkCron("61 * * * *", "UTC", "spec.")).toEqual([
      {
        field: "spec.cron",
        description: expect.stringMatching(/^is not a valid cron expression: .*minute/) as unknown,
      },
    ]);
    expect(checkCron("* * * * *", "Mars/Olympus", "spec.")).toEqual([
      { field: "spec.time_zone", description: expect.stringMatching(/not an IANA time zone/) as unknown },
    ]);
    expect(checkCron("0 0 30 2 *", "UTC", "spec.")).toEqual([
      { field: "spec.cron", description: '"0 0 30 2 *" never fires' },
    ]);
    expect(checkCron(" ", "UTC", "spec.")).toEqual([{ field: "spec.cron", description: "is required" }]);
  });
});

describe("nextFireTimes", () => {
  it("reads the expression in the schedule's time zone, across a daylight-saving change", () => {
    // Berlin moves from UTC+1 to UTC+2 on 2026-03-29
    expect(iso(nextFireTimes("0 0 9 * * *", "Europe/Berlin", new Date("2026-03-27T12:00:00Z"), 3))).toEqual([
      "2026-03-28T08:00:00.000Z",
      "2026-03-29T07:00:00.000Z",
      "2026-03-30T07:00:00.000Z",
    ]);
  });
});

describe("dueTicks", () => {
  it("records every tick from the cursor up to now, and the cursor moves past them", () => {
    const due = dueTicks(schedule({}), new Date("2026-01-01T00:00:02.500Z"));
    expect(iso(due.ticks)).toEqual([
      "2026-01-01T00:00:00.000Z",
      "2026-01-01T00:00:01.000Z",
      "2026-01-01T00:00:02.000Z",
    ]);
    expect(due.next?.toISOString()).toBe("2026-01-01T00:00:03.000Z");
    expect(due.missed).toBe(0);
  });

  it("passes over the ticks older than the catch-up window and counts them as missed", () => {
    const due = dueTicks(schedule({ catchUpWindowMs: 2_000 }), new Date("2026-01-01T00:00:10.000Z"));
    expect(iso(due.ticks)).toEqual([
      "2026-01-01T00:00:08.000Z",
      "2026-01-01T00:00:09.000Z",
      "2026-01-01T00:00:10.000Z",
    ]);
    expect(due.missed).toBe(8);
  });

  it("records at most 100 ticks a pass, leaving the rest to the next", () => {
    const due = dueTicks(schedule({ catchUpWindowMs: 3_600_000 }), new Date("2026-01-01T00:10:00Z"));
    expect(due.ticks).toHaveLength(MAX_TICKS_PER_PASS);
    expect(due.next?.toISOString()).toBe("2026-01-01T00:01:40.000Z");
  });
});
