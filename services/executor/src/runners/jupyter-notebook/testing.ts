/** Test helpers for the notebook runner; not part of the runtime API. */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** A cell for {@link notebookJson}: a code cell's source, or a markdown / tagged code cell. */
export type CellSpec =
  string | { readonly markdown: string } | { readonly code: string; readonly tags: string[] };

/** An nbformat 4 document with `cells`; code sources are stored as nbformat line lists. */
export function notebookJson(...cells: CellSpec[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
    cells: cells.map((cell, i) => {
      if (typeof cell !== "string" && "markdown" in cell) {
        return { id: `c${i}`, cell_type: "markdown", metadata: {}, source: cell.markdown };
      }
      const [source, tags] = typeof cell === "string" ? [cell, undefined] : [cell.code, cell.tags];
      return {
        id: `c${i}`,
        cell_type: "code",
        execution_count: null,
        metadata: tags === undefined ? {} : { tags },
        outputs: [],
        source: source.split(/(?<=\n)/),
      };
    }),
  });
}

/** The text of `fixtures/<name>`. */
export function fixture(name: string): string {
  return readFileSync(join(__dirname, "fixtures", name), "utf8");
}
