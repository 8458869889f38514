import { constants } from "node:os";
import type { ProcessOutcome } from "./run-process.js";

const SIGNAL_NAMES = new Map<number, NodeJS.Signals>(
  Object.entries(constants.signals).map(([name, number]) => [number, name as NodeJS.Signals]),
);

/**
 * bubblewrap exits with 128 + N when the command was killed by signal N; report that as the signal,
 * as a plain child's outcome would.
 */
export function decodeExit(outcome: ProcessOutcome): ProcessOutcome {
  const code = outcome.exitCode;
  if (code === null || code <= 128) return outcome;
  const signal = SIGNAL_NAMES.get(code - 128);
  return signal === undefined ? outcome : { ...outcome, exitCode: null, signal };
}

/** bubblewrap's own complaint (`bwrap: …`, exit 1) when it could not build the sandbox; undefined otherwise. */
export function setupFailureOf(outcome: ProcessOutcome): string | undefined {
  if (outcome.exitCode !== 1) return undefined;
  const first = outcome.stderr.text().split("\n", 1)[0] ?? "";
  return first.startsWith("bwrap: ")
    ? `bubblewrap could not build the sandbox: ${first.slice(7)}`
    : undefined;
}
