import type { SandboxedOutcome } from "@mcp/sandbox";
import { MEMORY_ERROR_EXIT_CODE } from "../../sandbox/python-bootstrap.js";
import type { ScriptOutputFile } from "../output-file.js";
import { type StepFailure, type StepResult } from "../../step/index.js";
import type { CellRef, DriverError, DriverResult } from "./driver.js";
import { CELLS_OUTPUT_KEY } from "./execution-plan.js";
import { limitFailure, sandboxFailures, type StepLimits } from "../sandbox-failures.js";

/** How many trailing stderr lines a failure message quotes. */
/** How much of a traceback a failure message quotes (its end, where the error is). */
const MAX_TRACEBACK_CHARS = 8 * 1024;

/**
 * Turns how the notebook process ended into the step's result, or throws the StepFailure saying
 * which way it failed, naming the cell where one is to blame. `running` is the cell the driver last
 * said it was starting (its progress file). Checked in order: cancelled, timed out, out of memory,
 * killed or crashed, no result, then what the driver reported.
 */
export function settleNotebook(
  outcome: SandboxedOutcome,
  resultFile: ScriptOutputFile,
  running: CellRef | undefined,
  limits: StepLimits,
  cancelReason?: unknown,
): StepResult {
  const { captured, fail, withStderr } = sandboxFailures(outcome);
  const during = running === undefined ? "" : ` while running ${describeCell(running)}`;

  if (outcome.aborted) throw fail("CANCELLED", `notebook cancelled${during}${describeReason(cancelReason)}`);
  if (outcome.timedOut) {
    throw fail(
      "TIMEOUT",
      `notebook timed out after ${limits.timeoutSeconds} s (timeout_seconds)${during} and was killed with its child processes`,
    );
  }
  const limited = limitFailure(outcome, `notebook${during}`, limits);
  if (limited !== undefined) throw limited;
  const result = parseResult(resultFile);
  if (
    outcome.memoryLimit === true ||
    outcome.exitCode === MEMORY_ERROR_EXIT_CODE ||
    (result?.ok === false && result.error.kind === "memory")
  ) {
    throw fail(
      "MEMORY_LIMIT",
      withStderr(`notebook ran out of memory (${limits.memoryLimitMb} MiB)${during}`),
    );
  }
  if (outcome.exitCode !== 0) {
    const how =
      outcome.signal !== null
        ? `was killed by signal ${outcome.signal} (possibly by the memory limit of ${limits.memoryLimitMb} MiB)`
        : `exited with code ${outcome.exitCode}`;
    throw fail("NONZERO_EXIT", withStderr(`notebook process ${how}${during}`));
  }
  if (resultFile.kind === "missing") {
    throw fail("NO_OUTPUT_FILE", withStderr(`notebook process exited${during} before reporting its results`));
  }
  if (result === undefined)
    throw fail("INVALID_OUTPUT", `notebook results are unreadable (${describeFile(resultFile)})`);
  if (!result.ok) throw failureOf(result.error, fail);
  return { outputs: { ...result.outputs, [CELLS_OUTPUT_KEY]: result.cells }, ...captured };
}

function failureOf(
  error: DriverError,
  fail: (code: StepFailure["code"], message: string) => StepFailure,
): StepFailure {
  switch (error.kind) {
    case "exception":
    case "memory":
      return fail(
        "SCRIPT_REPORTED_FAILURE",
        `notebook failed in ${describeCell(error.cell)}: ${error.summary}\n${tail(error.traceback)}`,
      );
    case "syntax":
      return fail(
        "SCRIPT_REPORTED_FAILURE",
        `notebook ${describeCell(error.cell)} is not valid Python: ${error.summary}\n${tail(error.traceback)}`,
      );
    case "magic":
      return fail(
        "SCRIPT_REPORTED_FAILURE",
        `notebook ${describeCell(error.cell)} uses IPython magic or shell syntax on line ${error.line} ` +
          `(${JSON.stringify(error.text)}), which is not supported: cells must be plain Python`,
      );
    case "missing-output":
      return fail(
        "INVALID_OUTPUT",
        `notebook did not define output variable${error.variables.length > 1 ? "s" : ""} ` +
          `${error.variables.join(", ")} (output_variables)`,
      );
    case "unserialisable-output":
      return fail(
        "INVALID_OUTPUT",
        `notebook output variable ${error.variable} (a ${error.type}) is not JSON-serialisable: ${error.reason}`,
      );
  }
}

/** `code cell 1 (notebook cell 3)`, or the injected parameters cell. */
export function describeCell(cell: CellRef): string {
  if (cell.index === undefined || cell.notebookIndex === undefined) return "the injected parameters cell";
  return `code cell ${cell.index} (notebook cell ${cell.notebookIndex})`;
}

/** The progress file's cell, or undefined when there is none (no cell started) or it is unreadable. */
export function parseProgress(text: string | undefined): CellRef | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (!isRecord(value)) return undefined;
    const { index, notebookIndex } = value;
    return typeof index === "number" && typeof notebookIndex === "number" ? { index, notebookIndex } : {};
  } catch {
    return undefined;
  }
}

function parseResult(file: ScriptOutputFile): DriverResult | undefined {
  if (file.kind !== "text") return undefined;
  try {
    const value: unknown = JSON.parse(file.text);
    if (!isRecord(value) || !Array.isArray(value.cells)) return undefined;
    if (value.ok === true && isRecord(value.outputs)) return value as unknown as DriverResult;
    if (value.ok === false && isRecord(value.error)) return value as unknown as DriverResult;
    return undefined;
  } catch {
    return undefined;
  }
}

function describeFile(file: ScriptOutputFile): string {
  switch (file.kind) {
    case "too-large":
      return `${file.bytes} bytes, over the limit`;
    case "not-a-file":
      return "not a regular file";
    default:
      return "not the driver's JSON";
  }
}

function tail(text: string): string {
  const trimmed = text.trimEnd();
  return trimmed.length <= MAX_TRACEBACK_CHARS ? trimmed : `…${trimmed.slice(-MAX_TRACEBACK_CHARS)}`;
}

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return `: ${reason.message}`;
  if (typeof reason === "string" && reason !== "") return `: ${reason}`;
  return "";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
