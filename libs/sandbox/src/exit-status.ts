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

/**
 * Why bubblewrap could not build the sandbox (its `bwrap: …` line), when the command never ran and
 * bubblewrap failed by itself; undefined when the command ran or the process was stopped.
 */
export function setupFailureOf(outcome: ProcessOutcome, commandRan: boolean): string | undefined {
  if (commandRan || outcome.exitCode === null || outcome.exitCode === 0) return undefined;
  if (outcome.timedOut || outcome.aborted || outcome.processLimit || outcome.setupFailed) return undefined;
  const first = outcome.stderr.text().split("\n", 1)[0] ?? "";
  const why = first.startsWith("bwrap: ")
    ? first.slice(7)
    : outcome.stderr.lastLines(3) || `exit ${outcome.exitCode}`;
  return `bubblewrap could not build the sandbox: ${why}`;
}
