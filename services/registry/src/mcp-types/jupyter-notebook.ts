import { clone } from "@bufbuild/protobuf";
import type { FieldViolation } from "@mcp/errors";
import { JupyterNotebookConfigSchema, type JupyterNotebookConfig } from "@mcp/proto/registry";
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
import { parseNotebook, type NotebookSummary } from "./notebook-document.js";

/** Largest inline notebook: 5 MiB. */
export const MAX_NOTEBOOK_BYTES = 5 * 1024 * 1024;
/** Wall-clock limit when none is given, in seconds. */
export const DEFAULT_NOTEBOOK_TIMEOUT_SECONDS = 300;

const PYTHON_NAME = "a Python identifier ([A-Za-z_][A-Za-z0-9_]*)";

/**
 * Checks a jupyter_notebook config at `path`: exactly one of notebook_content (nbformat 4 JSON
 * with a `cells` array, ≤ 5 MiB) or notebook_path (absolute, `.ipynb`); parameter names and
 * output_variables are Python identifiers; cells_to_execute are unique indexes of existing code
 * cells; timeout 1..3600.
 */
export function validateJupyterNotebook(config: JupyterNotebookConfig, path: string): FieldViolation[] {
  const { violations, notebook } = checkSource(config.source, path);
  const parameters = fieldPath(path, "parameters");
  const outputs = fieldPath(path, "output_variables");
  return [
    ...violations,
    ...Object.keys(config.parameters ?? {}).flatMap((name) =>
      IDENTIFIER.test(name) ? [] : [violation(keyPath(parameters, name), `must be named by ${PYTHON_NAME}`)],
    ),
    ...checkCells(config.cellsToExecute, notebook, fieldPath(path, "cells_to_execute")),
    ...config.outputVariables.flatMap((name, i) =>
      name === ""
        ? [violation(indexPath(outputs, i), "is required")]
        : checkPattern(name, IDENTIFIER, PYTHON_NAME, indexPath(outputs, i)),
    ),
    ...checkUnique(config.outputVariables, outputs),
    ...checkRange(config.timeoutSeconds, 1, 3600, fieldPath(path, "timeout_seconds")),
  ];
}

function checkSource(
  source: JupyterNotebookConfig["source"],
  path: string,
): { violations: FieldViolation[]; notebook?: NotebookSummary } {
  switch (source.case) {
    case "notebookContent": {
      const field = fieldPath(path, "notebook_content");
      const tooLarge = checkMaxBytes(source.value, MAX_NOTEBOOK_BYTES, field);
      if (tooLarge.length > 0) return { violations: tooLarge };
      const parsed = parseNotebook(source.value);
      return typeof parsed === "string"
        ? { violations: [violation(field, parsed)] }
        : { violations: [], notebook: parsed };
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

function checkCells(
  cells: readonly number[],
  notebook: NotebookSummary | undefined,
  field: string,
): FieldViolation[] {
  const out = cells.flatMap((cell, i) => {
    if (cell < 0) return [violation(indexPath(field, i), "must be a zero-based code cell index")];
    if (notebook && cell >= notebook.codeCells) {
      return [
        violation(indexPath(field, i), `must be below ${notebook.codeCells}, the number of code cells`),
      ];
    }
    return [];
  });
  return [...out, ...checkUnique(cells.map(String), field)];
}

/** A copy with defaults filled in: timeout 300 s. */
export function jupyterNotebookWithDefaults(config: JupyterNotebookConfig): JupyterNotebookConfig {
  const out = clone(JupyterNotebookConfigSchema, config);
  out.timeoutSeconds ??= DEFAULT_NOTEBOOK_TIMEOUT_SECONDS;
  return out;
}
