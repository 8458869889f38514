import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { HourlyRunCountsSchema, RunStatus } from "@mcp/proto/executor";
import { describe, expect, it } from "vitest";
import { hourBars } from "./hours";

const H = 3_600_000;

describe("hourBars", () => {
  it("has a bar for every hour of the window up to now, empty where no run was created", () => {
    const start = Date.UTC(2026, 0, 1, 10);
    const bars = hourBars(
      timestampFromMs(start),
      [
        create(HourlyRunCountsSchema, {
          hour: timestampFromMs(start + H),
          counts: [
            { status: RunStatus.SUCCEEDED, count: 3n },
            { status: RunStatus.FAILED, count: 1n },
          ],
        }),
      ],
      new Date(start + 2 * H + 60_000),
    );
    expect(bars.map((b) => [b.start.getTime() - start, b.total])).toEqual([
      [0, 0],
      [H, 4],
      [2 * H, 0],
    ]);
    expect(bars[1]!.counts.get(RunStatus.FAILED)).toBe(1);
  });

  it("is empty without a window", () => {
    expect(hourBars(undefined, [], new Date())).toEqual([]);
  });
});
