import type { FieldViolation } from "@mcp/errors";
import type { JupyterNotebookConfig } from "@mcp/proto/registry";
import {
  checkMaxBytes,
  checkPattern,
  checkRange,
  checkUnique,
  fieldPath,
  indexPath,
  keyPath,
  violation,
} from "@mcp/validation";
import { IDENTIFIER, isAbsolutePath } from "@mcp/validation";
import { isCodeCell, parseNotebook, type NotebookProblem } from "./notebook-document.js";

/** Largest inline notebook: 5 MiB. */
export const MAX_NOTEBOOK_BYTES = 5 * 1024 * 1024;

const PYTHON_NAME = "a Python identifier ([A-Za-z_][A-Za-z0-9_]*)";

/**
 * Checks a jupyter_notebook config at `path`: exactly one of notebook_content (nbformat 4 JSON
 * with a `cells` array, ≤ 5 MiB) or notebook_path (absolute, `.ipynb`); parameter names and
 * output_variables are Python identifiers; cells_to_execute are unique indexes of existing code
 * cells; timeout 1..3600.
 */
export function validateJupyterNotebook(config: JupyterNotebookConfig, path: string): FieldViolation[] {
  const { violations, codeCells } = checkSource(config.source, path);
  const parameters = fieldPath(path, "parameters");
  const outputs = fieldPath(path, "output_variables");
  return [
    ...violations,
    ...Object.keys(config.parameters ?? {}).flatMap((name) =>
      IDENTIFIER.test(name) ? [] : [violation(keyPath(parameters, name), `must be named by ${PYTHON_NAME}`)],
    ),
    ...checkCells(config.cellsToExecute, codeCells, fieldPath(path, "cells_to_execute")),
    ...config.outputVariables.flatMap((name, i) =>
      name === ""
        ? [violation(indexPath(outputs, i), "is required")]
        : checkPattern(name, IDENTIFIER, PYTHON_NAME, indexPath(outputs, i)),
    ),
    ...checkUnique(config.outputVariables, outputs),
    ...checkRange(config.timeoutSeconds, 1, 3600, fieldPath(path, "timeout_seconds")),
  ];
}

/** The source's violations and, for valid notebook_content, its number of code cells. */
function checkSource(
  source: JupyterNotebookConfig["source"],
  path: string,
): { violations: FieldViolation[]; codeCells?: number } {
  switch (source.case) {
    case "notebookContent": {
      const field = fieldPath(path, "notebook_content");
      const tooLarge = checkMaxBytes(source.value, MAX_NOTEBOOK_BYTES, field);
      if (tooLarge.length > 0) return { violations: tooLarge };
      const parsed = parseNotebook(source.value);
      return "problem" in parsed
        ? { violations: [violation(field, problemText(parsed.problem))] }
        : { violations: [], codeCells: parsed.document.cells.filter(isCodeCell).length };
    }
    case "notebookPath": {
      const field = fieldPath(path, "notebook_path");
      if (!isAbsolutePath(source.value))
        return { violations: [violation(field, "must be an absolute path")] };
      if (!source.value.endsWith(".ipynb"))
        return { violations: [violation(field, "must name a .ipynb file")] };
      return { violations: [] };
    }
    default:
      return {
        violations: [
          violation(
            fieldPath(path, "source"),
            "exactly one of notebook_content or notebook_path is required",
          ),
        ],
      };
  }
}

function problemText(problem: NotebookProblem): string {
  switch (problem.kind) {
    case "not-json":
      return "must be notebook JSON (nbformat 4), but is not valid JSON";
    case "not-an-object":
      return "must be a notebook JSON object";
    case "not-nbformat-4":
      return "must be an nbformat 4 notebook";
    case "no-cells":
      return "must have a `cells` array";
  }
}

function checkCells(
  cells: readonly number[],
  codeCells: number | undefined,
  field: string,
): FieldViolation[] {
  const out = cells.flatMap((cell, i) => {
    if (cell < 0) return [violation(indexPath(field, i), "must be a zero-based code cell index")];
    if (codeCells !== undefined && cell >= codeCells) {
      return [violation(indexPath(field, i), `must be below ${codeCells}, the number of code cells`)];
    }
    return [];
  });
  return [...out, ...checkUnique(cells.map(String), field)];
}
