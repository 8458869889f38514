/** What the registry needs to know about an nbformat document. */
export interface NotebookSummary {
  /** Number of cells whose `cell_type` is `code`. */
  readonly codeCells: number;
}

/**
 * Parses notebook JSON and checks it is nbformat 4 with a `cells` array. Returns the summary, or
 * a sentence saying what is wrong.
 */
export function parseNotebook(content: string): NotebookSummary | string {
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch {
    return "must be notebook JSON (nbformat 4), but is not valid JSON";
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return "must be a notebook JSON object";
  const { nbformat, cells } = doc as { nbformat?: unknown; cells?: unknown };
  if (nbformat !== 4) return "must be an nbformat 4 notebook";
  if (!Array.isArray(cells)) return "must have a `cells` array";
  const codeCells = cells.filter(
    (cell: unknown) =>
      typeof cell === "object" && cell !== null && (cell as { cell_type?: unknown }).cell_type === "code",
  ).length;
  return { codeCells };
}
