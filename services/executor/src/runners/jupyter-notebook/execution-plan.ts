import type { JupyterNotebookConfig } from "@mcp/proto/registry";
import { StepFailure, type JsonObject } from "../../step/index.js";
import type { DriverCell } from "./driver.js";
import type { CodeCell } from "./notebook-document.js";

/** The output key holding the per-cell outputs; an output variable may not be called this. */
export const CELLS_OUTPUT_KEY = "_cells";

/** The tag marking the cell the parameters are injected after (as papermill does). */
export const PARAMETERS_TAG = "parameters";

/** What to run, in order, and what to return. */
export interface ExecutionPlan {
  readonly cells: DriverCell[];
  readonly parameters: JsonObject;
  readonly outputVariables: readonly string[];
}

/** Names that cannot be assigned to in Python (soft keywords such as `match` can). */
const PYTHON_KEYWORDS = new Set(
  (
    "False None True and as assert async await break class continue def del elif else except finally " +
    "for from global if import in is lambda nonlocal not or pass raise return try while with yield"
  ).split(" "),
);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Plans a papermill-style run: the parameters are `config.parameters` overridden by the step's
 * `inputs`; the code cells are all of them in order, or `cells_to_execute` (indexes among the code
 * cells) in the order given. The parameters cell goes right after the first cell tagged `parameters`
 * when that cell runs, else before the first cell that runs; with no parameters, none is injected.
 * Throws a RUNNER_ERROR StepFailure for a bad cell index, parameter name or output variable.
 */
export function planExecution(
  codeCells: readonly CodeCell[],
  config: Pick<JupyterNotebookConfig, "parameters" | "cellsToExecute" | "outputVariables">,
  inputs: JsonObject,
): ExecutionPlan {
  const parameters: JsonObject = { ...config.parameters, ...inputs };
  const badName = Object.keys(parameters).find((name) => !isAssignable(name));
  if (badName !== undefined) {
    throw new StepFailure(
      "RUNNER_ERROR",
      `parameter ${JSON.stringify(badName)} cannot be injected into the notebook: it is not a Python variable name`,
    );
  }
  if (config.outputVariables.includes(CELLS_OUTPUT_KEY)) {
    throw new StepFailure(
      "RUNNER_ERROR",
      `output variable ${CELLS_OUTPUT_KEY} clashes with the output key that holds the per-cell outputs`,
    );
  }

  const selected =
    config.cellsToExecute.length === 0 ? codeCells : config.cellsToExecute.map(cellAt(codeCells));
  const cells: DriverCell[] = selected.map(({ index, notebookIndex, source }) => ({
    kind: "code",
    index,
    notebookIndex,
    source,
  }));
  if (Object.keys(parameters).length > 0) {
    const tagged = codeCells.find((cell) => cell.tags.includes(PARAMETERS_TAG));
    const after = tagged === undefined ? -1 : selected.indexOf(tagged);
    cells.splice(after + 1, 0, { kind: "parameters" });
  }
  return { cells, parameters, outputVariables: config.outputVariables };
}

function cellAt(codeCells: readonly CodeCell[]): (index: number) => CodeCell {
  return (index) => {
    const cell = codeCells[index];
    if (cell === undefined) {
      throw new StepFailure(
        "RUNNER_ERROR",
        `cells_to_execute names code cell ${index}, but the notebook has ${codeCells.length} code cells (indexes from 0)`,
      );
    }
    return cell;
  };
}

function isAssignable(name: string): boolean {
  return IDENTIFIER.test(name) && !PYTHON_KEYWORDS.has(name);
}
