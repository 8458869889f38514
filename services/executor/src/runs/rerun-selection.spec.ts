import { stepRow, type StepRunEntity } from "@mcp/db";
import { InvalidArgumentError } from "@mcp/errors";
import { step } from "../engine/testing/index.js";
import { selectRerun } from "./rerun-selection.js";

/** a → b → c → d, and x beside them (no dependencies). */
const SPEC = [
  step("a"),
  step("b", { dependsOn: ["a"] }),
  step("c", { dependsOn: ["b"] }),
  step("d", { dependsOn: ["c"] }),
  step("x"),
];

const row = (stepId: string, status: StepRunEntity["status"], extra: Partial<StepRunEntity> = {}) =>
  stepRow({ id: `row-${stepId}`, runId: "old", stepId, position: 0, status, ...extra });

const reusedIds = (s: ReturnType<typeof selectRerun>) => s.reused.map((r) => r.stepId);

describe("selectRerun", () => {
  const allSucceeded = SPEC.map((s) => row(s.stepId, "succeeded"));

  it("runs the from step and everything downstream again, and takes the rest over", () => {
    const s = selectRerun(SPEC, allSucceeded, "b");
    expect(s.rerun).toEqual(["b", "c", "d"]);
    expect(reusedIds(s)).toEqual(["a", "x"]);
  });

  it("runs every step again when no from step is given", () => {
    const s = selectRerun(SPEC, allSucceeded, "");
    expect(s.rerun).toEqual(["a", "b", "c", "d", "x"]);
    expect(s.reused).toEqual([]);
  });

  it("also runs a step that did not succeed (and its dependents), wherever the from step is", () => {
    const rows = [
      row("a", "succeeded"),
      row("b", "failed"),
      row("c", "skipped"),
      row("d", "skipped"),
      row("x", "succeeded"),
    ];
    expect(selectRerun(SPEC, rows, "d").rerun).toEqual(["b", "c", "d"]);
    expect(reusedIds(selectRerun(SPEC, rows, "x"))).toEqual(["a"]);
  });

  it("takes a condition skip over, but not a skip after a failure", () => {
    const rows = [
      row("a", "succeeded"),
      row("b", "skipped", { error: { code: "CONDITION_FALSE", message: "condition false" } }),
      row("c", "skipped", { error: { code: "UPSTREAM_CONDITION_FALSE", message: "upstream" } }),
      row("d", "skipped", { error: { code: "UPSTREAM_FAILED", message: "x failed" } }),
      row("x", "succeeded"),
    ];
    const s = selectRerun(SPEC, rows, "x");
    expect(s.rerun).toEqual(["d", "x"]);
    expect(reusedIds(s)).toEqual(["a", "b", "c"]);
  });

  it("refuses an unknown step, listing the run's steps", () => {
    expect(() => selectRerun(SPEC, allSucceeded, "nope")).toThrow(
      InvalidArgumentError.field(
        "from_step_id",
        'the run has no step "nope"; its steps: "a", "b", "c", "d", "x"',
      ),
    );
  });

  it("refuses a for_each item and a tool call, naming the step to re-run from", () => {
    const rows = [
      ...allSucceeded,
      row("b[2]", "succeeded", { id: "item", parentStepRunId: "row-b", itemIndex: 2 }),
      row("c#1/1:search", "succeeded", { id: "call", parentStepRunId: "row-c" }),
    ];
    expect(() => selectRerun(SPEC, rows, "b[2]")).toThrow(
      /"b\[2\]" is an item of for_each step "b", not a step of its own: re-run from "b"/,
    );
    expect(() => selectRerun(SPEC, rows, "c#1/1:search")).toThrow(/is a tool call of step "c"/);
  });
});
