import { StepStatus } from "@mcp/proto/executor";
import { describe, expect, it } from "vitest";
import { step } from "../test/builders";
import { observeStep, type AttemptLog } from "./attempts";
import { layoutTimeline, orderSteps, labelBefore } from "./layout";

const T0 = 1_700_000_000_000;

describe("layoutTimeline", () => {
  it("places each step's bar by its start and finish time, with its duration", () => {
    const steps = [
      step("a", StepStatus.SUCCEEDED, { start: T0, finish: T0 + 1000 }),
      step("b", StepStatus.SUCCEEDED, { start: T0 + 1000, finish: T0 + 4000 }),
    ];
    const t = layoutTimeline(steps, {}, T0 + 9999, { startMs: T0, endMs: T0 + 4000 });
    expect(t.totalMs).toBe(4000);
    const [a, b] = t.rows.map((r) => r.bars[0]!);
    expect(a).toMatchObject({ leftPct: 0, widthPct: 25, durationMs: 1000, label: "1.0 s", running: false });
    expect(b).toMatchObject({ leftPct: 25, widthPct: 75, durationMs: 3000, label: "3.0 s" });
  });

  it("draws one bar per attempt, as observed from the events", () => {
    let log: AttemptLog = {};
    const at = (ms: number) => T0 + ms;
    log = observeStep(log, step("a", StepStatus.RUNNING, { attempt: 1, start: at(0) }), at(0));
    log = observeStep(log, step("a", StepStatus.RETRYING, { attempt: 1, start: at(0) }), at(500));
    log = observeStep(log, step("a", StepStatus.RUNNING, { attempt: 2, start: at(1500) }), at(1500));
    const final = step("a", StepStatus.SUCCEEDED, { attempt: 2, start: at(1500), finish: at(2000) });
    log = observeStep(log, final, at(2000));

    const t = layoutTimeline([final], log, at(5000), { startMs: at(0), endMs: at(2000) });
    const bars = t.rows[0]!.bars;
    expect(bars.map((b) => [b.attempt, b.status, b.durationMs])).toEqual([
      [1, StepStatus.RETRYING, 500],
      [2, StepStatus.SUCCEEDED, 500],
    ]);
    expect(bars.map((b) => b.label)).toEqual(["attempt 1 · 500 ms", "attempt 2 · 500 ms"]);
    expect(bars[1]!.leftPct).toBe(75);
    expect(t.rows[0]!.unobservedAttempts).toBe(0);
  });

  it("says how many earlier attempts it did not see when only the latest is known", () => {
    const s = step("a", StepStatus.SUCCEEDED, { attempt: 3, start: T0, finish: T0 + 10 });
    const row = layoutTimeline([s], {}, T0 + 10).rows[0]!;
    expect(row.bars).toHaveLength(1);
    expect(row.bars[0]!.label).toBe("attempt 3 · 10 ms");
    expect(row.unobservedAttempts).toBe(2);
  });

  it("extends a running step's bar to now", () => {
    const s = step("a", StepStatus.RUNNING, { start: T0 });
    const bar = layoutTimeline([s], {}, T0 + 2500).rows[0]!.bars[0]!;
    expect(bar).toMatchObject({ running: true, durationMs: 2500, label: "running 2.5 s", widthPct: 100 });
  });

  it("gives steps that never started a row without bars", () => {
    const t = layoutTimeline([step("a", StepStatus.SKIPPED)], {}, T0);
    expect(t.rows[0]!.bars).toEqual([]);
  });

  it("keeps instant attempts visible", () => {
    const steps = [
      step("a", StepStatus.SUCCEEDED, { start: T0, finish: T0 }),
      step("b", StepStatus.SUCCEEDED, { start: T0, finish: T0 + 100_000 }),
    ];
    expect(layoutTimeline(steps, {}, T0).rows[0]!.bars[0]!.widthPct).toBeGreaterThan(0);
  });
});

describe("orderSteps", () => {
  it("indents child steps of an ai_assistant under their parent", () => {
    const steps = [
      step("ask", StepStatus.SUCCEEDED),
      step("after", StepStatus.SUCCEEDED),
      step("ask#1/1:search", StepStatus.SUCCEEDED, { parent: "ask" }),
      step("ask#1/2:fetch", StepStatus.SUCCEEDED, { parent: "ask" }),
    ];
    expect(orderSteps(steps).map(({ step: s, depth }) => [s.stepId, depth])).toEqual([
      ["ask", 0],
      ["ask#1/1:search", 1],
      ["ask#1/2:fetch", 1],
      ["after", 0],
    ]);
  });

  it("shows a child whose parent is unknown at the top level", () => {
    const steps = [step("x#1/1:t", StepStatus.RUNNING, { parent: "x" })];
    expect(orderSteps(steps).map((r) => r.depth)).toEqual([0]);
  });
});

describe("labelBefore", () => {
  it("puts the label of a short bar at the right end on its left, and leaves the others inside", () => {
    expect(labelBefore({ leftPct: 98, widthPct: 2 })).toBe(true);
    expect(labelBefore({ leftPct: 0, widthPct: 98 })).toBe(false);
    expect(labelBefore({ leftPct: 40, widthPct: 5 })).toBe(false);
  });
});
