import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { OutputCapture } from "@mcp/sandbox";
import { StepFailure } from "../../step/index.js";
import { Deadline } from "./deadline.js";
import { failureOf, type Phase } from "./failures.js";
import type { ServerConnection } from "./server-connection.js";

const output = { stdout: "", stderr: "log line\n", stdoutTruncated: false, stderrTruncated: false };

function attempt(phase: Phase, stderrText = "") {
  const stderr = new OutputCapture();
  stderr.write(Buffer.from(stderrText));
  const connection: ServerConnection = {
    transport: {} as never,
    label: 'stdio server "srv"',
    stderr,
    kill: () => {},
  };
  const deadline = new Deadline(new AbortController().signal, 5_000);
  deadline.dispose();
  return { toolName: "t", phase, connection, deadline, signal: new AbortController().signal, output };
}

describe("failureOf", () => {
  it("turns a JSON-RPC error answering tools/call into TOOL_ERROR", () => {
    const failure = failureOf(new McpError(ErrorCode.InternalError, "kaput"), attempt("call"));
    expect(failure.code).toBe("TOOL_ERROR");
    expect(failure.message).toBe('MCP tool "t" failed: MCP error -32603: kaput');
    expect(failure.output).toEqual(output);
  });

  it("turns a closed connection during the call into RUNNER_ERROR quoting the server's stderr", () => {
    const failure = failureOf(
      new McpError(ErrorCode.ConnectionClosed, "Connection closed"),
      attempt("call", "starting\npanic: out of memory\n"),
    );
    expect(failure.code).toBe("RUNNER_ERROR");
    expect(failure.message).toBe(
      'the MCP stdio server "srv" failed during the call (tool "t"): MCP error -32000: Connection closed; ' +
        "server stderr ends with:\nstarting\npanic: out of memory",
    );
  });

  it("turns an SDK request timeout into TIMEOUT", () => {
    const failure = failureOf(new McpError(ErrorCode.RequestTimeout, "Request timed out"), attempt("list"));
    expect(failure.code).toBe("TIMEOUT");
    expect(failure.message).toContain("stopped while listing its tools");
  });

  it("keeps a StepFailure's code and adds the captured output", () => {
    const failure = failureOf(new StepFailure("INVALID_CONFIG", "no such tool"), attempt("list"));
    expect(failure).toMatchObject({ code: "INVALID_CONFIG", message: "no such tool", output });
  });

  it("says the server could not be reached when connecting fails", () => {
    const failure = failureOf(new Error("spawn srv ENOENT"), attempt("connect"));
    expect(failure.code).toBe("RUNNER_ERROR");
    expect(failure.message).toBe(
      'could not connect to the MCP stdio server "srv" (tool "t"): spawn srv ENOENT',
    );
  });
});
