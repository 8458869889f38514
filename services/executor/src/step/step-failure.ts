import { errorMessage } from "@mcp/errors";
import type { StepResult } from "./contract.js";

/** Why an attempt failed, machine-readable. */
export type StepFailureCode =
  | "NONZERO_EXIT"
  | "NO_OUTPUT_FILE"
  | "INVALID_OUTPUT"
  | "SCRIPT_REPORTED_FAILURE"
  | "TIMEOUT"
  | "CANCELLED"
  | "MEMORY_LIMIT"
  | "REQUIREMENTS_UNAVAILABLE"
  | "MISSING_INPUT"
  | "UNSUPPORTED_MCP_TYPE"
  | "INVALID_CONFIG"
  | "LLM_ERROR"
  | "MAX_TURNS"
  | "TOOL_ERROR"
  | "PROCESS_LIMIT"
  | "CPU_LIMIT"
  | "FILE_SIZE_LIMIT"
  | "OPEN_FILES_LIMIT"
  | "SANDBOX_UNAVAILABLE"
  | "SANDBOX_ERROR"
  | "SECRET_UNAVAILABLE"
  | "RUNNER_ERROR";

/** A failed attempt, with whatever output it left (capped). */
export class StepFailure extends Error {
  constructor(
    readonly code: StepFailureCode,
    message: string,
    readonly output: Partial<
      Pick<StepResult, "stdout" | "stderr" | "stdoutTruncated" | "stderrTruncated">
    > = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "StepFailure";
  }

  /**
   * `reason` as a StepFailure: itself when it is one, else a `code` failure (RUNNER_ERROR by default)
   * whose message is `prefix` and the reason's message, with the reason as its cause — as
   * `ConnectError.from` does for RPC errors.
   */
  static from(reason: unknown, code: StepFailureCode = "RUNNER_ERROR", prefix = ""): StepFailure {
    if (reason instanceof StepFailure) return reason;
    return new StepFailure(code, `${prefix}${errorMessage(reason)}`, {}, { cause: reason });
  }
}

