import { StepFailure } from "../../step/index.js";
import { planExecution } from "./execution-plan.js";
import type { CodeCell } from "./notebook-document.js";

const cell = (index: number, tags: string[] = []): CodeCell => ({
  index,
  notebookIndex: index * 2,
  source: `cell_${index} = ${index}`,
  tags,
});

const config = (overrides: Partial<Parameters<typeof planExecution>[1]> = {}) => ({
  parameters: undefined,
  cellsToExecute: [],
  outputVariables: [],
  ...overrides,
});

/** The run order as labels: `P` for the injected parameters cell, the code index otherwise. */
const order = (plan: ReturnType<typeof planExecution>) =>
  plan.cells.map((c) => (c.kind === "parameters" ? "P" : c.index));

function failureOf(plan: () => unknown): StepFailure {
  try {
    plan();
  } catch (error) {
    if (error instanceof StepFailure) return error;
    throw error;
  }
  throw new Error("expected planExecution to throw");
}

describe("planExecution", () => {
  const cells = [cell(0), cell(1, ["setup", "parameters"]), cell(2), cell(3)];

  it("injects the parameters right after the cell tagged parameters", () => {
    expect(order(planExecution(cells, config(), { x: 1 }))).toEqual([0, 1, "P", 2, 3]);
  });

  it("injects the parameters before the first code cell when no cell is tagged", () => {
    expect(order(planExecution([cell(0), cell(1)], config(), { x: 1 }))).toEqual(["P", 0, 1]);
  });

  it("uses the first tagged cell when several are tagged", () => {
    const twice = [cell(0, ["parameters"]), cell(1, ["parameters"])];
    expect(order(planExecution(twice, config(), { x: 1 }))).toEqual([0, "P", 1]);
  });

  it("runs cells_to_execute in the given order, injecting after the tagged cell when it is among them", () => {
    expect(order(planExecution(cells, config({ cellsToExecute: [3, 1, 0] }), { x: 1 }))).toEqual([
      3,
      1,
      "P",
      0,
    ]);
  });

  it("injects before the first cell to run when cells_to_execute leaves out the tagged cell", () => {
    expect(order(planExecution(cells, config({ cellsToExecute: [2, 3] }), { x: 1 }))).toEqual(["P", 2, 3]);
  });

  it("injects nothing when there are no parameters", () => {
    expect(order(planExecution(cells, config(), {}))).toEqual([0, 1, 2, 3]);
  });

  it("lets the step inputs override config.parameters", () => {
    const plan = planExecution(cells, config({ parameters: { x: 1, y: "a" } }), { x: 2, z: null });
    expect(plan.parameters).toEqual({ x: 2, y: "a", z: null });
  });

  it("carries each code cell's source and both indexes", () => {
    expect(planExecution([cell(0), cell(1)], config(), {}).cells[1]).toEqual({
      kind: "code",
      index: 1,
      notebookIndex: 2,
      source: "cell_1 = 1",
    });
  });

  it("fails with RUNNER_ERROR for a cells_to_execute index past the code cells", () => {
    const failure = failureOf(() => planExecution(cells, config({ cellsToExecute: [0, 4] }), {}));
    expect(failure.code).toBe("RUNNER_ERROR");
    expect(failure.message).toMatch(/cells_to_execute names code cell 4, but the notebook has 4 code cells/);
  });

  it.each(["not-a-name", "class", "1st", ""])("fails with RUNNER_ERROR for the parameter name %j", (name) => {
    const failure = failureOf(() => planExecution(cells, config(), { [name]: 1 }));
    expect(failure.code).toBe("RUNNER_ERROR");
    expect(failure.message).toContain(`parameter ${JSON.stringify(name)} cannot be injected`);
  });

  it("accepts soft keywords such as match as parameter names", () => {
    expect(planExecution(cells, config(), { match: 1, _private: 2 }).parameters).toEqual({
      match: 1,
      _private: 2,
    });
  });

  it("refuses an output variable named _cells, the key of the per-cell outputs", () => {
    expect(
      failureOf(() => planExecution(cells, config({ outputVariables: ["_cells"] }), {})).message,
    ).toMatch(/output variable _cells clashes/);
  });
});
