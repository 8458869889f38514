import { readFile, stat } from "node:fs/promises";
import { isAbsolute } from "node:path";
import type { JupyterNotebookConfig } from "@mcp/proto/registry";
import { StepFailure } from "../../step/index.js";

/** A notebook_path file larger than this is refused rather than read (outputs such as images make notebooks big). */
export const MAX_NOTEBOOK_FILE_BYTES = 64 * 1024 * 1024;

/** One code cell of a notebook. */
export interface CodeCell {
  /** Zero-based among the code cells (what `cells_to_execute` counts). */
  readonly index: number;
  /** Zero-based among all cells, markdown and raw included. */
  readonly notebookIndex: number;
  /** The cell's source, its lines joined when nbformat stores a list. */
  readonly source: string;
  /** `metadata.tags`, e.g. `parameters`. */
  readonly tags: readonly string[];
}

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
 * The code cells of an nbformat 4 document, in notebook order; markdown and raw cells are skipped
 * but counted in `notebookIndex`. Throws a RUNNER_ERROR StepFailure naming what is malformed.
 */
export function codeCellsOf(text: string): CodeCell[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw invalid(`notebook is not valid JSON: ${(error as Error).message}`);
  }
  if (!isRecord(document)) throw invalid("notebook must be a JSON object");
  if (document.nbformat !== 4)
    throw invalid(`notebook must be nbformat 4, got ${JSON.stringify(document.nbformat)}`);
  if (!Array.isArray(document.cells)) throw invalid("notebook has no `cells` array");

  const cells: CodeCell[] = [];
  document.cells.forEach((cell: unknown, notebookIndex) => {
    if (!isRecord(cell)) throw invalid(`notebook cell ${notebookIndex} is not an object`);
    if (cell.cell_type !== "code") return;
    const source = sourceOf(cell.source);
    if (source === undefined) {
      throw invalid(`notebook cell ${notebookIndex}: source must be a string or a list of strings`);
    }
    cells.push({ index: cells.length, notebookIndex, source, tags: tagsOf(cell.metadata) });
  });
  return cells;
}

function sourceOf(source: unknown): string | undefined {
  if (source === undefined) return "";
  if (typeof source === "string") return source;
  if (Array.isArray(source) && source.every((line) => typeof line === "string")) return source.join("");
  return undefined;
}

function tagsOf(metadata: unknown): string[] {
  if (!isRecord(metadata) || !Array.isArray(metadata.tags)) return [];
  return metadata.tags.filter((tag): tag is string => typeof tag === "string");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function invalid(message: string): StepFailure {
  return new StepFailure("RUNNER_ERROR", message);
}
