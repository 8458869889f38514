import { CliError, ExitCode } from "../errors.js";

/** The resource kinds get/list/delete take, with their plural and short spellings. */
export type ResourceKind = "mcp" | "workflow" | "run";

const ALIASES: Record<string, ResourceKind> = {
  mcp: "mcp",
  mcps: "mcp",
  workflow: "workflow",
  workflows: "workflow",
  wf: "workflow",
  run: "run",
  runs: "run",
};

export function parseKind(value: string, allowed: readonly ResourceKind[]): ResourceKind {
  const kind = ALIASES[value.toLowerCase()];
  if (kind === undefined || !allowed.includes(kind)) {
    throw new CliError(`unknown resource "${value}" (one of: ${allowed.join(", ")})`, ExitCode.USAGE);
  }
  return kind;
}

export function parsePositiveInt(value: string, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new CliError(`${what} must be a positive integer, got "${value}"`, ExitCode.USAGE);
  return n;
}
