import { diffLines } from "diff";

/** One line of one side: its 1-based number in that text, and whether it differs from the other side. */
export interface SideLine {
  readonly number: number;
  readonly text: string;
  readonly changed: boolean;
}

/** One row of a side-by-side diff; a side is undefined where the other text has extra lines. */
export interface DiffRow {
  readonly left: SideLine | undefined;
  readonly right: SideLine | undefined;
}

function lines(value: string): string[] {
  const parts = value.split("\n");
  if (parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/**
 * Aligns two texts line by line (jsdiff's line diff): equal lines side by side, removed lines on the
 * left against added lines on the right, paired in order; the longer side of a change gets blank
 * partners.
 */
export function sideBySide(oldText: string, newText: string): DiffRow[] {
  const rows: DiffRow[] = [];
  let leftNo = 0;
  let rightNo = 0;
  const left = (text: string, changed: boolean): SideLine => ({ number: ++leftNo, text, changed });
  const right = (text: string, changed: boolean): SideLine => ({ number: ++rightNo, text, changed });
  const changes = diffLines(oldText, newText);
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i];
    if (change === undefined) continue;
    if (!change.added && !change.removed) {
      for (const text of lines(change.value))
        rows.push({ left: left(text, false), right: right(text, false) });
      continue;
    }
    const removed = change.removed ? lines(change.value) : [];
    const next = changes[i + 1];
    let added: string[] = change.added ? lines(change.value) : [];
    if (change.removed && next?.added) {
      added = lines(next.value);
      i++;
    }
    const n = Math.max(removed.length, added.length);
    for (let k = 0; k < n; k++) {
      const l = removed[k];
      const r = added[k];
      rows.push({
        left: l === undefined ? undefined : left(l, true),
        right: r === undefined ? undefined : right(r, true),
      });
    }
  }
  return rows;
}
