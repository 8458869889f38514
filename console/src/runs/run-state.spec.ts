import { RunStatus, StepStatus } from "@mcp/proto/executor";
import { describe, expect, it } from "vitest";
import { run, snapshot, statusEvent, step, stepEvent } from "../test/builders";
import { applyEvent, applyRun, initialWatchState } from "./run-state";

describe("applyEvent", () => {
  it("starts from the snapshot, then applies step and status changes in order", () => {
    let s = applyEvent(
      initialWatchState,
      snapshot(run(RunStatus.RUNNING, [step("a", StepStatus.PENDING)]), 3),
    );
    expect(s.run?.status).toBe(RunStatus.RUNNING);
    s = applyEvent(s, stepEvent(step("a", StepStatus.RUNNING, { start: 10 }), 4, 10));
    s = applyEvent(s, stepEvent(step("b", StepStatus.RUNNING, { start: 11 }), 5, 11));
    s = applyEvent(s, statusEvent(RunStatus.SUCCEEDED, 6, 20));
    expect(s.run?.steps.map((x) => [x.stepId, x.status])).toEqual([
      ["a", StepStatus.RUNNING],
      ["b", StepStatus.RUNNING],
    ]);
    expect(s.run?.status).toBe(RunStatus.SUCCEEDED);
    expect(s.run?.finishTime).toBeDefined();
    expect(s.sequence).toBe(6n);
  });

  it("ignores events already included in the snapshot (after a reconnect)", () => {
    let s = applyEvent(
      initialWatchState,
      snapshot(run(RunStatus.RUNNING, [step("a", StepStatus.SUCCEEDED)]), 7),
    );
    s = applyEvent(s, stepEvent(step("a", StepStatus.RUNNING), 6, 0));
    expect(s.run?.steps[0]?.status).toBe(StepStatus.SUCCEEDED);
  });

  it("keeps a child step's parent when an update leaves it out", () => {
    let s = applyEvent(initialWatchState, snapshot(run(RunStatus.RUNNING), 1));
    s = applyEvent(s, stepEvent(step("ask#1/1:t", StepStatus.RUNNING, { parent: "ask" }), 2, 0));
    s = applyEvent(s, stepEvent(step("ask#1/1:t", StepStatus.SUCCEEDED), 3, 0));
    expect(s.run?.steps[0]?.parentStepId).toBe("ask");
  });

  it("a resync with GetRun replaces the run", () => {
    const s = applyEvent(initialWatchState, snapshot(run(RunStatus.RUNNING), 1));
    const after = applyRun(s, run(RunStatus.SUCCEEDED, [], { outputs: { greeting: "HI" } }));
    expect(after.run?.outputs).toEqual({ greeting: "HI" });
  });
});
