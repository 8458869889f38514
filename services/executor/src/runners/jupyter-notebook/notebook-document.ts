import { readFile, stat } from "node:fs/promises";
import { isAbsolute } from "node:path";
import { codeCellsOf as cellsOf, parseNotebook, type CodeCell, type NotebookProblem } from "@mcp/mcp-types";
import type { JupyterNotebookConfig } from "@mcp/proto/registry";
import { StepFailure } from "../../step/index.js";

export type { CodeCell } from "@mcp/mcp-types";

/** A notebook_path file larger than this is refused rather than read (outputs such as images make notebooks big). */
export const MAX_NOTEBOOK_FILE_BYTES = 64 * 1024 * 1024;

/** The notebook document a config names: notebook_content as is, or the notebook_path file's text. */
export async function notebookText(
  source: JupyterNotebookConfig["source"],
  readable: (path: string) => Promise<string>,
): Promise<string> {
  switch (source.case) {
    case "notebookContent":
      return source.value;
    case "notebookPath": {
      if (!isAbsolute(source.value)) throw invalid(`notebook_path must be absolute, got ${source.value}`);
      const path = await readable(source.value);
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) throw invalid(`notebook_path ${path} is not a readable file`);
      if (info.size > MAX_NOTEBOOK_FILE_BYTES) {
        throw invalid(
          `notebook_path ${path} is ${info.size} bytes, over the ${MAX_NOTEBOOK_FILE_BYTES}-byte limit`,
        );
      }
      return readFile(path, "utf8").catch((error: unknown) => {
        throw invalid(`notebook_path ${path} cannot be read: ${(error as Error).message}`);
      });
    }
    default:
      throw invalid("jupyter_notebook config has no notebook_content or notebook_path");
  }
}

/**
 * The code cells of an nbformat 4 document, in notebook order (`@mcp/mcp-types`, as the registry
 * reads them); markdown and raw cells are skipped but counted in `notebookIndex`. Throws a
 * RUNNER_ERROR StepFailure naming what is malformed.
 */
export function codeCellsOf(text: string): CodeCell[] {
  const parsed = parseNotebook(text);
  if ("problem" in parsed) throw invalid(describeProblem(parsed.problem));
  const read = cellsOf(parsed.document);
  if ("cells" in read) return read.cells;
  const at = read.problem.notebookIndex;
  throw invalid(
    read.problem.kind === "cell-not-an-object"
      ? `notebook cell ${at} is not an object`
      : `notebook cell ${at}: source must be a string or a list of strings`,
  );
}

function describeProblem(problem: NotebookProblem): string {
  switch (problem.kind) {
    case "not-json":
      return `notebook is not valid JSON: ${problem.detail}`;
    case "not-an-object":
      return "notebook must be a JSON object";
    case "not-nbformat-4":
      return `notebook must be nbformat 4, got ${JSON.stringify(problem.nbformat)}`;
    case "no-cells":
      return "notebook has no `cells` array";
  }
}

function invalid(message: string): StepFailure {
  return new StepFailure("RUNNER_ERROR", message);
}
