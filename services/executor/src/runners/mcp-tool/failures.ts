import { errorMessage } from "@mcp/errors";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { SandboxUnavailableError } from "@mcp/sandbox";
import { StepFailure, type StepResult } from "../../step/index.js";
import type { Deadline } from "./deadline.js";
import type { ServerConnection } from "./server-connection.js";

/** Where an attempt was when it failed. */
export type Phase = "connect" | "list" | "call";

/** The captured output a failure carries. */
export type FailureOutput = Pick<StepResult, "stdout" | "stderr" | "stdoutTruncated" | "stderrTruncated">;

/** What {@link failureOf} needs to know about the attempt. */
export interface FailedAttempt {
  readonly toolName: string;
  readonly phase: Phase;
  readonly connection: ServerConnection;
  readonly deadline: Deadline;
  /** The step's signal, whose reason explains a cancel. */
  readonly signal: AbortSignal;
  readonly output: FailureOutput;
}

const PHASE_TEXT: Record<Phase, string> = {
  connect: "while connecting",
  list: "while listing its tools",
  call: "during the call",
};

/**
 * Classifies an error thrown while talking to an MCP server: TIMEOUT or CANCELLED when the deadline
 * stopped the attempt; TOOL_ERROR when the server answered `tools/call` with a JSON-RPC error;
 * RUNNER_ERROR when the server could not be started or reached, or went away (with the last lines of
 * its stderr); a StepFailure raised on the way keeps its code and gains the captured output.
 */
export function failureOf(error: unknown, attempt: FailedAttempt): StepFailure {
  const { toolName, phase, connection, deadline, output } = attempt;
  const options = { cause: error };
  const where = PHASE_TEXT[phase];
  if (deadline.stopped === "cancelled") {
    return new StepFailure(
      "CANCELLED",
      `MCP tool "${toolName}" cancelled ${where}${reasonText(attempt.signal.reason)}`,
      output,
      options,
    );
  }
  // The SDK reports any aborted request as a RequestTimeout, so the deadline's cause is checked first.
  if (deadline.stopped === "timeout" || isRequestTimeout(error)) {
    const seconds = deadline.timeoutMs / 1000;
    return new StepFailure(
      "TIMEOUT",
      `MCP tool "${toolName}" did not finish within ${seconds} s (stopped ${where}; ${connection.label})`,
      output,
      options,
    );
  }
  if (error instanceof StepFailure) return new StepFailure(error.code, error.message, output, options);
  if (error instanceof SandboxUnavailableError) {
    return new StepFailure("SANDBOX_UNAVAILABLE", error.message, output, options);
  }
  const detail = `${errorMessage(error, { cause: true })}${stderrTail(connection)}`;
  if (
    phase === "call" &&
    error instanceof McpError &&
    error.code !== (ErrorCode.ConnectionClosed as number)
  ) {
    return new StepFailure("TOOL_ERROR", `MCP tool "${toolName}" failed: ${detail}`, output, options);
  }
  const what =
    phase === "connect"
      ? `could not connect to the MCP ${connection.label}`
      : `the MCP ${connection.label} failed ${where}`;
  return new StepFailure("RUNNER_ERROR", `${what} (tool "${toolName}"): ${detail}`, output, options);
}

function isRequestTimeout(error: unknown): boolean {
  return error instanceof McpError && error.code === (ErrorCode.RequestTimeout as number);
}

function reasonText(reason: unknown): string {
  const message =
    typeof reason === "object" && reason !== null && "message" in reason ? errorMessage(reason) : undefined;
  if (message !== undefined) return `: ${message}`;
  return typeof reason === "string" && reason !== "" ? `: ${reason}` : "";
}

/** The last lines a stdio server wrote to stderr, for a message; "" when there are none. */
function stderrTail(connection: ServerConnection): string {
  const tail = connection.stderr?.lastLines(5).trim() ?? "";
  return tail === "" ? "" : `; server stderr ends with:\n${tail}`;
}
