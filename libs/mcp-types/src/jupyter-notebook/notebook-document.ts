/**
 * Reading an nbformat 4 notebook document: the registry checks a notebook_content with it and counts
 * its code cells; the executor takes the code cells to run from it. Problems are returned as data,
 * so each side words them its own way.
 */

/** A notebook document that is nbformat 4 with a `cells` array; the cells are not checked yet. */
export interface NotebookDocument {
  readonly cells: readonly unknown[];
}

/** Why a text is not an nbformat 4 document. */
export type NotebookProblem =
  | { readonly kind: "not-json"; readonly detail: string }
  | { readonly kind: "not-an-object" }
  | { readonly kind: "not-nbformat-4"; readonly nbformat: unknown }
  | { readonly kind: "no-cells" };

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

/** Why the cells of a document cannot be run: one is not an object, or a code cell's source is malformed. */
export interface CellProblem {
  readonly kind: "cell-not-an-object" | "bad-source";
  /** Zero-based among all cells. */
  readonly notebookIndex: number;
}

/** Parses notebook JSON and checks it is an nbformat 4 object with a `cells` array (in that order). */
export function parseNotebook(text: string): { document: NotebookDocument } | { problem: NotebookProblem } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: { kind: "not-json", detail: (error as Error).message } };
  }
  if (!isRecord(value)) return { problem: { kind: "not-an-object" } };
  if (value.nbformat !== 4) return { problem: { kind: "not-nbformat-4", nbformat: value.nbformat } };
  if (!Array.isArray(value.cells)) return { problem: { kind: "no-cells" } };
  return { document: { cells: value.cells as unknown[] } };
}

/** True for a cell whose `cell_type` is `code`. */
export function isCodeCell(cell: unknown): boolean {
  return isRecord(cell) && cell.cell_type === "code";
}

/**
 * The code cells of a document, in notebook order; markdown and raw cells are skipped but counted in
 * `notebookIndex`. A cell that is not an object, or a code cell whose source is neither a string nor
 * a list of strings, is a problem.
 */
export function codeCellsOf(document: NotebookDocument): { cells: CodeCell[] } | { problem: CellProblem } {
  const cells: CodeCell[] = [];
  for (const [notebookIndex, cell] of document.cells.entries()) {
    if (!isRecord(cell)) return { problem: { kind: "cell-not-an-object", notebookIndex } };
    if (cell.cell_type !== "code") continue;
    const source = sourceOf(cell.source);
    if (source === undefined) return { problem: { kind: "bad-source", notebookIndex } };
    cells.push({ index: cells.length, notebookIndex, source, tags: tagsOf(cell.metadata) });
  }
  return { cells };
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
