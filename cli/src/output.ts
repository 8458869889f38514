import { toJson, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";

/** What a command writes to (stdout for results, stderr for progress and messages) and reads from. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  readonly errStream: { write(text: string): unknown; readonly isTTY?: boolean };
  /** Standard input, read whole (e.g. a secret's value piped in). */
  readonly stdin: { read(): Promise<Buffer>; readonly isTTY?: boolean };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

export const processIo: Io = {
  out: (text) => void process.stdout.write(`${text}\n`),
  err: (text) => void process.stderr.write(`${text}\n`),
  errStream: process.stderr,
  stdin: { read: () => readAll(process.stdin), isTTY: process.stdin.isTTY },
};

export type OutputFormat = "table" | "json";

export function parseFormat(value: string): OutputFormat {
  if (value === "table" || value === "json") return value;
  throw new Error(`unknown output format "${value}" (table or json)`);
}

/** A message as proto JSON (camelCase names, enums by name), pretty-printed. */
export function messageJson<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): string {
  return JSON.stringify(toJson(schema, message), null, 2);
}

/** Left-aligned columns separated by two spaces, kubectl-style. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

/** An ISO time without milliseconds, or "-". */
export function formatTime(ts: Timestamp | undefined): string {
  return ts
    ? timestampDate(ts)
        .toISOString()
        .replace(/\.\d{3}Z$/, "Z")
    : "-";
}

/** `MCP_TYPE_PYTHON_SCRIPT` → `python_script`. */
export function enumLabel(name: string | undefined, prefix: string): string {
  return (name ?? "").replace(prefix, "").toLowerCase() || "-";
}
