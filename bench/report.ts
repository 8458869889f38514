import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** One printed line: a figure, ours beside the peer's when there is one, and the target. */
export interface Row {
  readonly figure: string;
  readonly ours: string;
  readonly peer?: string;
  readonly ratio?: number;
  readonly target?: string;
}

/** A suite's printed rows and its part of `latest.json`. */
export interface SuiteResult {
  readonly rows: Row[];
  readonly json: Record<string, unknown>;
}

/** `12.3 ms` style. */
export const ms = (x: number) => `${Number.isFinite(x) ? x.toFixed(x < 10 ? 2 : 1) : "n/a"} ms`;
export const perS = (x: number) => `${Number.isFinite(x) ? x.toFixed(0) : "n/a"}/s`;

/** A target line: "≤ 2 ms: met" or "≤ 2 ms: MISSED by 1.4 ms". */
export function target(
  label: string,
  value: number,
  limit: number,
  unit: string,
  kind: "max" | "min",
): string {
  const met = kind === "max" ? value <= limit : value >= limit;
  const by = Math.abs(value - limit);
  return `${label}: ${met ? "met" : `MISSED by ${by.toFixed(by < 10 ? 2 : 0)} ${unit}`}`;
}

export function printTable(title: string, rows: readonly Row[]): void {
  const cells = rows.map((r) => [
    r.figure,
    r.ours,
    r.peer ?? "",
    r.ratio === undefined ? "" : `×${r.ratio.toFixed(2)}`,
    r.target ?? "",
  ]);
  const head = ["figure", "ours", "peer / ceiling", "ratio", "target"];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const line = (c: readonly string[]) => c.map((x, i) => x.padEnd(widths[i] ?? 0)).join(" | ");
  process.stdout.write(`\n## ${title}\n${line(head)}\n${widths.map((w) => "-".repeat(w)).join("-|-")}\n`);
  for (const c of cells) process.stdout.write(`${line(c)}\n`);
}

export function writeJson(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}
