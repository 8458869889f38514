import type { SandboxedOutcome } from "@mcp/sandbox";
import { MEMORY_ERROR_EXIT_CODE } from "../../sandbox/python-bootstrap.js";
import type { JsonObject, StepResult } from "../../step/index.js";
import { MAX_OUTPUT_FILE_BYTES, type ScriptOutputFile } from "../output-file.js";
import { limitFailure, sandboxFailures, type StepLimits } from "../sandbox-failures.js";

/**
 * Turns how a script process ended, and the output file it left, into the step's result — or throws
 * the StepFailure saying which way it failed. Checked in order: cancelled, timed out, the sandbox's
 * set-up and limits (processes, CPU, file size, open files), out of memory, non-zero exit, then the output file (missing, unreadable, wrong shape, `success: false`).
 */
export function settlePythonScript(
  outcome: SandboxedOutcome,
  output: ScriptOutputFile,
  limits: StepLimits,
  cancelReason?: unknown,
): StepResult {
  const { captured, stderrTail, fail, withStderr } = sandboxFailures(outcome);

  if (outcome.aborted) throw fail("CANCELLED", `python script cancelled${describeReason(cancelReason)}`);
  if (outcome.timedOut) {
    throw fail(
      "TIMEOUT",
      `python script timed out after ${limits.timeoutSeconds} s (timeout_seconds) and was killed with its child processes`,
    );
  }
  const limited = limitFailure(outcome, "python script", limits);
  if (limited !== undefined) throw limited;
  const failed = outcome.exitCode !== 0;
  if (
    outcome.memoryLimit === true ||
    (failed && (outcome.exitCode === MEMORY_ERROR_EXIT_CODE || /\bMemoryError\b/.test(stderrTail)))
  ) {
    throw fail(
      "MEMORY_LIMIT",
      withStderr(`python script ran out of memory (memory_limit_mb ${limits.memoryLimitMb} MiB)`),
    );
  }
  if (failed) {
    const how =
      outcome.signal !== null
        ? `was killed by signal ${outcome.signal} (possibly by the memory limit of ${limits.memoryLimitMb} MiB)`
        : `exited with code ${outcome.exitCode}`;
    throw fail("NONZERO_EXIT", withStderr(`python script ${how}${reportedError(output)}`));
  }

  switch (output.kind) {
    case "missing":
      throw fail(
        "NO_OUTPUT_FILE",
        withStderr("python script exited with code 0 but wrote no output file (argv[2])"),
      );
    case "not-a-file":
      throw fail("INVALID_OUTPUT", "python script output (argv[2]) is not a regular file");
    case "too-large":
      throw fail(
        "INVALID_OUTPUT",
        `python script output is ${output.bytes} bytes, over the ${MAX_OUTPUT_FILE_BYTES}-byte limit`,
      );
    case "text":
      break;
  }
  let document: unknown;
  try {
    document = JSON.parse(output.text);
  } catch (error) {
    throw fail("INVALID_OUTPUT", `python script output is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(document) || typeof document.success !== "boolean") {
    throw fail(
      "INVALID_OUTPUT",
      `python script output must be {"success": bool, "result": {...}, "error": str|null}, got ${describeJson(document)}`,
    );
  }
  if (!document.success) {
    const error =
      typeof document.error === "string" && document.error !== "" ? document.error : "(no error message)";
    throw fail("SCRIPT_REPORTED_FAILURE", `python script reported failure: ${error}`);
  }
  if (!isObject(document.result)) {
    throw fail(
      "INVALID_OUTPUT",
      `python script "result" must be a JSON object, got ${describeJson(document.result)}`,
    );
  }
  return { outputs: document.result as JsonObject, ...captured };
}

/** When a failing script still wrote `{"success": false, "error": ...}`, its words are worth quoting. */
function reportedError(output: ScriptOutputFile): string {
  if (output.kind !== "text") return "";
  try {
    const document: unknown = JSON.parse(output.text);
    if (isObject(document) && document.success === false && typeof document.error === "string") {
      return ` (it reported: ${document.error})`;
    }
  } catch {
    // not JSON: nothing to quote
  }
  return "";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeJson(value: unknown): string {
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value === "object") return `an object with keys [${Object.keys(value).join(", ")}]`;
  return `a ${typeof value}`;
}

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return `: ${reason.message}`;
  if (typeof reason === "string" && reason !== "") return `: ${reason}`;
  return "";
}
