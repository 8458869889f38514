import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { HttpTransport, McpToolConfig } from "@mcp/proto/registry";
import type { JsonObject } from "@mcp/versioning";
import { ToolProbeError, type ProbedTool, type ToolProbe } from "./tool-probe.js";

/** How long a probe (connect + every `tools/list` page) may take when none is given. */
export const DEFAULT_PROBE_TIMEOUT_MS = 5_000;

/** Pages of `tools/list` read at most. */
const MAX_PAGES = 20;

/** How the registry introduces itself to MCP servers. */
const CLIENT_INFO = { name: "mcp-platform-registry", version: "0.1.0" } as const;

/**
 * Lists the tools of Streamable HTTP servers with `@modelcontextprotocol/sdk` (the config's headers on
 * every request), under a short timeout, always closing the client.
 *
 * stdio servers are NOT probed: that would mean running a caller-supplied command on the registry's
 * host at registration time. Only the executor starts them (with a minimal environment, in a temp dir,
 * under a timeout) when a step runs, and it checks the tool name then.
 */
export class HttpToolProbe implements ToolProbe {
  private readonly timeoutMs: number;

  constructor(options: { timeoutMs?: number } = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  }

  async listTools(config: McpToolConfig): Promise<readonly ProbedTool[]> {
    const transport = config.transport;
    if (transport.case === "stdio") {
      throw new ToolProbeError(
        "stdio servers are not probed: the registry never starts commands (the executor checks the tool when a step runs)",
      );
    }
    if (transport.case !== "http") throw new ToolProbeError("the config has no transport to probe");
    return this.listHttp(transport.value);
  }

  private async listHttp(http: HttpTransport): Promise<readonly ProbedTool[]> {
    const url = new URL(http.url);
    // Origin and path only: credentials or tokens in the URL never reach a stored message.
    const where = `${url.origin}${url.pathname}`;
    const signal = AbortSignal.timeout(this.timeoutMs);
    const options = { signal, timeout: this.timeoutMs };
    const client = new Client(CLIENT_INFO);
    try {
      await client.connect(
        new StreamableHTTPClientTransport(url, { requestInit: { headers: { ...http.headers } } }),
        options,
      );
      if (client.getServerCapabilities()?.tools === undefined) return [];
      const tools: ProbedTool[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const listed = await client.listTools(cursor === undefined ? undefined : { cursor }, options);
        tools.push(
          ...listed.tools.map((tool) => ({
            name: tool.name,
            description: tool.description ?? "",
            inputSchema: tool.inputSchema as JsonObject,
          })),
        );
        cursor = listed.nextCursor;
        if (cursor === undefined) break;
      }
      return tools;
    } catch (error) {
      const why = signal.aborted ? `no answer within ${this.timeoutMs / 1000} s` : messageOf(error);
      throw new ToolProbeError(`could not list the tools of the server at ${where}: ${why}`, {
        cause: error,
      });
    } finally {
      await client.close().catch(() => undefined);
    }
  }
}

/** An error's message and its cause's, duck-typed (errors from Node's fetch may come from another realm). */
function messageOf(error: unknown): string {
  const message = messageField(error);
  if (message === undefined) return String(error);
  const cause = messageField((error as { cause?: unknown }).cause);
  return cause === undefined ? message : `${message} (${cause})`;
}

function messageField(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || !("message" in value)) return undefined;
  return String(value.message);
}
