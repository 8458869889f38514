import { create } from "@bufbuild/protobuf";
import {
  RunEventSchema,
  RunStatus,
  StepRunSchema,
  StepStatus,
  WorkflowRunSchema,
  type RunEvent,
} from "@mcp/proto/executor";
import { createProgressDisplay } from "./progress-display";
import { formatElapsed, formatEventLine, formatProgress, RunProgress } from "./progress";

const step = (stepId: string, status: StepStatus, extra: { parentStepId?: string; attempt?: number } = {}) =>
  create(StepRunSchema, { stepId, status, attempt: 1, ...extra });

const snapshot = (status: RunStatus, ...steps: ReturnType<typeof step>[]): RunEvent =>
  create(RunEventSchema, {
    event: { case: "runSnapshot", value: create(WorkflowRunSchema, { status, steps }) },
  });
const stepEvent = (s: ReturnType<typeof step>): RunEvent =>
  create(RunEventSchema, { event: { case: "stepUpdated", value: s } });
const statusEvent = (status: RunStatus, message?: string): RunEvent =>
  create(RunEventSchema, {
    event: {
      case: "runStatus",
      value: { status, error: message ? { code: "STEP_FAILED", message } : undefined },
    },
  });

describe("formatElapsed", () => {
  it.each([
    [0, "0.0s"],
    [420, "0.4s"],
    [12_345, "12.3s"],
    [125_000, "2m05s"],
    [3_720_000, "1h02m"],
    [-5, "0.0s"],
  ])("%d ms → %s", (ms, text) => expect(formatElapsed(ms)).toBe(text));
});

describe("RunProgress", () => {
  it("counts finished top-level steps against the planned total and names the running ones", () => {
    const p = new RunProgress(3);
    expect(p.apply(snapshot(RunStatus.RUNNING, step("a", StepStatus.RUNNING)))).toBe("run running");
    expect(p.view()).toMatchObject({ done: 0, total: 3, current: ["a"] });
    expect(p.apply(stepEvent(step("a", StepStatus.SUCCEEDED)))).toBe("step a succeeded");
    p.apply(stepEvent(step("b", StepStatus.RUNNING)));
    p.apply(stepEvent(step("c", StepStatus.RETRYING, { attempt: 2 })));
    expect(p.view()).toMatchObject({ done: 1, total: 3, current: ["b", "c"] });
    expect(formatProgress(p.view(), 1_500)).toBe("1/3 steps · current: b, c · 1.5s");
  });

  it("tells, one by one, the steps a late (or resynced) watch's snapshot shows started or ended unseen", () => {
    const p = new RunProgress(3);
    p.apply(snapshot(RunStatus.RUNNING, step("a", StepStatus.RUNNING)));
    const late = snapshot(
      RunStatus.RUNNING,
      step("a", StepStatus.SUCCEEDED),
      step("a-tool", StepStatus.SUCCEEDED, { parentStepId: "a" }),
      step("b", StepStatus.RUNNING),
      step("c", StepStatus.PENDING),
    );
    const run = late.event.case === "runSnapshot" ? late.event.value : undefined;
    const told = p.unseen(run!).map((s) => {
      const what = p.applyStep(s);
      return formatEventLine(p.view(), 2_000, what);
    });
    expect(told).toEqual([
      "1/3 steps · current: - · 2.0s · step a succeeded",
      "1/3 steps · current: b · 2.0s · step b running",
    ]);
    expect(p.apply(late)).toBe("run running");
    // seen now: a snapshot repeating them tells nothing again
    expect(p.unseen(run!)).toEqual([]);
  });

  it("leaves child steps (an assistant's tool calls) out of the count but describes them", () => {
    const p = new RunProgress();
    p.apply(snapshot(RunStatus.RUNNING, step("ask", StepStatus.RUNNING)));
    expect(p.apply(stepEvent(step("tool-1", StepStatus.SUCCEEDED, { parentStepId: "ask" })))).toBe(
      "step ask/tool-1 succeeded",
    );
    expect(p.view()).toMatchObject({ done: 0, total: 1, current: ["ask"] });
  });

  it("describes failures with the first line of the error, retries with the attempt", () => {
    const p = new RunProgress(1);
    const failed = create(StepRunSchema, {
      stepId: "boom",
      status: StepStatus.FAILED,
      attempt: 3,
      error: { code: "NONZERO_EXIT", message: "exited with 1\ntraceback..." },
    });
    expect(p.apply(stepEvent(failed))).toBe("step boom failed (attempt 3): exited with 1");
    expect(p.apply(statusEvent(RunStatus.FAILED, "step boom failed"))).toBe("run failed: step boom failed");
    expect(p.view()).toMatchObject({ status: RunStatus.FAILED, done: 1, total: 1, current: [] });
  });

  it("counts skipped and cancelled steps as done", () => {
    const p = new RunProgress(3);
    p.apply(
      snapshot(
        RunStatus.PARTIALLY_SUCCEEDED,
        step("a", StepStatus.FAILED),
        step("b", StepStatus.SKIPPED),
        step("c", StepStatus.CANCELLED),
      ),
    );
    expect(p.view().done).toBe(3);
  });

  it("one event line carries done/total, the current step, the elapsed time and what happened", () => {
    const p = new RunProgress(2);
    p.apply(
      snapshot(RunStatus.RUNNING, step("echo", StepStatus.SUCCEEDED), step("concat", StepStatus.RUNNING)),
    );
    expect(formatEventLine(p.view(), 800, "step concat running")).toBe(
      "1/2 steps · current: concat · 0.8s · step concat running",
    );
  });
});

describe("createProgressDisplay", () => {
  const sink = (isTTY: boolean) => {
    const chunks: string[] = [];
    return { chunks, stream: { isTTY, write: (text: string) => chunks.push(text) } };
  };

  it("without a terminal writes one plain line per event", () => {
    const { chunks, stream } = sink(false);
    const p = new RunProgress(2);
    let now = 1_000;
    const display = createProgressDisplay(stream, p, 1_000, () => now);
    now = 1_400;
    display.event(p.apply(stepEvent(step("echo", StepStatus.SUCCEEDED))));
    display.stop();
    expect(chunks).toEqual(["1/2 steps · current: - · 0.4s · step echo succeeded\n"]);
  });

  it("on a terminal redraws one status line and prints events above it", () => {
    const { chunks, stream } = sink(true);
    const p = new RunProgress(2);
    let now = 0;
    const display = createProgressDisplay(stream, p, 0, () => now, 60_000);
    now = 2_000;
    display.event(p.apply(stepEvent(step("echo", StepStatus.RUNNING))));
    display.stop();
    const text = chunks.join("");
    expect(text).toContain("\r\x1b[2K");
    expect(text).toContain("  step echo running\n");
    expect(text).toContain("0/2 steps · current: echo · 2.0s");
    expect(text.endsWith("0/2 steps · current: echo · 2.0s\n")).toBe(true);
  });
});
