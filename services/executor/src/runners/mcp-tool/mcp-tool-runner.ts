import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { RequestOptions } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { DEFAULT_TOOL_TIMEOUT_SECONDS, positiveOr } from "@mcp/mcp-types";
import { inSpan, SpanKind, type SpanSpec } from "@mcp/runtime";
import type { HttpTransport, McpToolConfig, StdioTransport } from "@mcp/proto/registry";
import { type Sandbox } from "@mcp/sandbox";
import { StepFailure, type Runner, type StepContext, type StepResult } from "../../step/index.js";
import { runnerConfigOf } from "../kind-config.js";
import { networkOf, readablePath, secretsEnv } from "../sandboxed-step.js";
import { Deadline } from "./deadline.js";
import { failureOf, type FailureOutput, type Phase } from "./failures.js";
import { httpConnection, stdioConnection, type ServerConnection } from "./server-connection.js";
import { outputsOf, toolErrorMessage } from "./tool-result.js";

/** How this executor introduces itself to MCP servers. */
export const CLIENT_INFO = { name: "mcp-platform-executor", version: "0.1.0" } as const;

/** Pages of `tools/list` read at most when looking for the tool. */
const MAX_TOOL_PAGES = 50;

/** Slack given to the SDK's own per-request timer so the attempt's deadline always fires first. */
const SDK_TIMEOUT_SLACK_MS = 1_000;

/** Address-space cap of a stdio server when the runner is given none. */
export const DEFAULT_SERVER_MEMORY_BYTES = 2048 * 1024 * 1024;

/** Options of {@link McpToolRunner}. */
export interface McpToolRunnerOptions {
  /** Where stdio servers run. */
  readonly sandbox: Sandbox;
  /** Cap on the captured stderr of a stdio server; default 64 KiB (the head is kept). */
  readonly outputCapBytes?: number;
  /** Address-space cap of a stdio server (SANDBOX_SERVER_MEMORY_MB); default 2 GiB. */
  readonly serverMemoryBytes?: number;
}

/**
 * Runs `mcp_tool` MCPs: calls one tool of a Model Context Protocol server with the step's inputs as
 * its arguments, through `@modelcontextprotocol/sdk`'s `Client`.
 *
 * - Transport: stdio (the server is started as `command args` in a sandbox, like a python_script:
 *   a fresh private work dir removed afterwards, `cwd` only when it lies in SANDBOX_READ_PATHS;
 *   environment = the sandbox's minimal set + the config's `env` + the step's secrets; network per
 *   the version; stderr captured into the step's `stderr`, capped) or Streamable HTTP (`url`, the
 *   config's `headers` on every request).
 * - One attempt = connect, list the tools (an unknown `tool_name` fails with INVALID_CONFIG naming the
 *   tools on offer), call. `timeout_seconds` (default 60) bounds the whole attempt: TIMEOUT; the step's
 *   signal aborting gives CANCELLED. Either way the stdio child is killed and the client closed at once;
 *   the client is always closed.
 * - Outputs: the tool's `structuredContent` when present, else `{ text, content }` (see
 *   {@link outputsOf}). `stdout` is always empty (it carries the protocol).
 * - A result with `isError: true` fails with TOOL_ERROR and the tool's text as the message; a server
 *   that cannot be started or reached fails with RUNNER_ERROR.
 */
export class McpToolRunner implements Runner {
  private readonly sandbox: Sandbox;
  private readonly outputCapBytes: number | undefined;
  private readonly serverMemoryBytes: number;

  constructor(options: McpToolRunnerOptions) {
    this.sandbox = options.sandbox;
    this.outputCapBytes = options.outputCapBytes;
    this.serverMemoryBytes = options.serverMemoryBytes ?? DEFAULT_SERVER_MEMORY_BYTES;
  }

  async run(context: StepContext): Promise<StepResult> {
    const config = runnerConfigOf(context.mcp, "mcpTool");
    if (context.signal.aborted) {
      throw new StepFailure("CANCELLED", `MCP tool "${config.toolName}" cancelled before it started`);
    }
    const timeoutSeconds = positiveOr(config.timeoutSeconds, DEFAULT_TOOL_TIMEOUT_SECONDS);
    const deadline = new Deadline(context.signal, timeoutSeconds * 1000);
    try {
      const transport = config.transport;
      switch (transport.case) {
        case "stdio":
          return await this.attemptStdio(config, transport.value, context, deadline, timeoutSeconds);
        case "http":
          return await this.attempt(config, httpConnectionOf(transport.value), context, deadline);
        default:
          throw new StepFailure(
            "INVALID_CONFIG",
            "mcp_tool config has neither a stdio nor an http transport",
          );
      }
    } finally {
      deadline.dispose();
    }
  }

  private async attemptStdio(
    config: McpToolConfig,
    stdio: StdioTransport,
    context: StepContext,
    deadline: Deadline,
    timeoutSeconds: number,
  ): Promise<StepResult> {
    const cwd = stdio.cwd === "" ? undefined : await readablePath(this.sandbox, stdio.cwd, "stdio.cwd");
    return this.sandbox.withWorkDir("mcp-tool-", async (workDir) => {
      const connection = stdioConnection(stdio, {
        sandbox: this.sandbox,
        workDir,
        ...(cwd === undefined ? {} : { cwd }),
        network: networkOf(context.mcp),
        secrets: secretsEnv(context),
        limits: this.sandbox.limits({ memoryBytes: this.serverMemoryBytes, cpuSeconds: timeoutSeconds }),
        timeoutMs: timeoutSeconds * 1000 + SDK_TIMEOUT_SLACK_MS,
        outputCapBytes: this.outputCapBytes,
        ...(context.onOutput === undefined ? {} : { onOutput: context.onOutput }),
      });
      return this.attempt(config, connection, context, deadline);
    });
  }

  private async attempt(
    config: McpToolConfig,
    connection: ServerConnection,
    context: StepContext,
    deadline: Deadline,
  ): Promise<StepResult> {
    const toolName = config.toolName;
    const client = new Client(CLIENT_INFO);
    const kill = () => connection.kill();
    deadline.signal.addEventListener("abort", kill, { once: true });
    const options = (): RequestOptions => ({
      signal: deadline.signal,
      timeout: deadline.remainingMs() + SDK_TIMEOUT_SLACK_MS,
    });
    let phase: Phase = "connect";
    let outcome: { result: CallToolResult } | { error: unknown };
    try {
      await client.connect(connection.transport, options());
      phase = "list";
      await requireTool(client, toolName, options);
      phase = "call";
      const result = await inSpan(toolCallSpan(toolName, connection), async (span) => {
        const called = (await client.callTool(
          { name: toolName, arguments: context.inputs },
          undefined,
          options(),
        )) as CallToolResult;
        span.setAttribute("mcp.tool.is_error", called.isError === true);
        return called;
      });
      outcome = { result };
    } catch (error) {
      outcome = { error };
    } finally {
      deadline.signal.removeEventListener("abort", kill);
      await client.close().catch(() => undefined);
    }

    const output = outputOf(connection);
    if ("error" in outcome) {
      throw failureOf(outcome.error, {
        toolName,
        phase,
        connection,
        deadline,
        signal: context.signal,
        output,
      });
    }
    if (outcome.result.isError === true) {
      throw new StepFailure("TOOL_ERROR", toolErrorMessage(toolName, outcome.result), output);
    }
    return { outputs: outputsOf(outcome.result), ...output };
  }
}

/** The span of one `tools/call` (MCP tool call) under the step's span. */
function toolCallSpan(toolName: string, connection: ServerConnection): SpanSpec {
  return {
    service: "executor",
    name: `tools/call ${toolName}`,
    kind: SpanKind.CLIENT,
    attributes: { "mcp.tool.name": toolName, "mcp.tool.transport": connection.stderr ? "stdio" : "http" },
  };
}

/** Fails with INVALID_CONFIG, naming what the server offers, when it does not list `toolName`. */
async function requireTool(client: Client, toolName: string, options: () => RequestOptions): Promise<void> {
  const offered: string[] = [];
  if (client.getServerCapabilities()?.tools !== undefined) {
    let cursor: string | undefined;
    for (let page = 0; page < MAX_TOOL_PAGES; page++) {
      const listed = await client.listTools(cursor === undefined ? undefined : { cursor }, options());
      if (listed.tools.some((tool) => tool.name === toolName)) return;
      offered.push(...listed.tools.map((tool) => tool.name));
      cursor = listed.nextCursor;
      if (cursor === undefined) break;
    }
  }
  throw new StepFailure(
    "INVALID_CONFIG",
    `the MCP server offers no tool "${toolName}"; it offers ${
      offered.length === 0 ? "no tools" : offered.map((name) => `"${name}"`).join(", ")
    }`,
  );
}

function outputOf(connection: ServerConnection): FailureOutput {
  return {
    stdout: "",
    stderr: connection.stderr?.text() ?? "",
    stdoutTruncated: false,
    stderrTruncated: connection.stderr?.truncated ?? false,
  };
}

function httpConnectionOf(http: HttpTransport): ServerConnection {
  try {
    return httpConnection(http);
  } catch (error) {
    throw new StepFailure("INVALID_CONFIG", "mcp_tool http.url is not a valid URL", {}, { cause: error });
  }
}
