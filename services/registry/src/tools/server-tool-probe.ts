import { errorMessage } from "@mcp/errors";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { HttpTransport, McpToolConfig, StdioTransport } from "@mcp/proto/registry";
import { sandboxEnv, SandboxedStdioTransport, type Sandbox } from "@mcp/sandbox";
import type { JsonObject } from "@mcp/versioning";
import { ToolProbeError, type ProbedTool, type ToolProbe } from "./tool-probe.js";

/** How long a probe (connect + every `tools/list` page) may take when none is given. */
export const DEFAULT_PROBE_TIMEOUT_MS = 5_000;

/** Address-space cap of a probed stdio server. */
const PROBE_MEMORY_BYTES = 2048 * 1024 * 1024;

/** Pages of `tools/list` read at most. */
const MAX_PAGES = 20;

/** How the registry introduces itself to MCP servers. */
const CLIENT_INFO = { name: "mcp-platform-registry", version: "0.1.0" } as const;

/**
 * Lists the tools of an `mcp_tool` config's server with `@modelcontextprotocol/sdk`, under a short
 * timeout, always closing the client.
 *
 * Streamable HTTP servers are always probed (the config's headers on every request). stdio servers
 * only when given a sandbox (`REGISTRY_PROBE_STDIO=true`): probing one means running a caller-supplied
 * command at registration time (docs/adr/004), so it is off by default; when on, the command runs in
 * the sandbox like a step's server (no network, the sandbox's minimal environment plus the config's
 * `env`, no secrets, a private work dir removed afterwards) and is stopped when the probe ends.
 */
export class ServerToolProbe implements ToolProbe {
  private readonly timeoutMs: number;
  private readonly sandbox: Sandbox | undefined;

  constructor(options: { timeoutMs?: number; stdioSandbox?: Sandbox } = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
    this.sandbox = options.stdioSandbox;
  }

  async listTools(config: McpToolConfig): Promise<readonly ProbedTool[]> {
    const transport = config.transport;
    if (transport.case === "stdio") {
      if (this.sandbox === undefined) {
        throw new ToolProbeError(
          "stdio servers are not probed unless REGISTRY_PROBE_STDIO=true (the executor checks the tool when a step runs)",
        );
      }
      return this.listStdio(this.sandbox, transport.value);
    }
    if (transport.case !== "http") throw new ToolProbeError("the config has no transport to probe");
    return this.listHttp(transport.value);
  }

  private async listStdio(sandbox: Sandbox, stdio: StdioTransport): Promise<readonly ProbedTool[]> {
    return sandbox.withWorkDir("mcp-probe-", async (workDir) => {
      const transport = new SandboxedStdioTransport(sandbox, {
        command: stdio.command,
        args: [...stdio.args],
        workDir,
        env: { ...sandboxEnv({ home: workDir, basePath: sandbox.searchPath }), ...stdio.env },
        network: "none",
        limits: sandbox.limits({
          memoryBytes: PROBE_MEMORY_BYTES,
          cpuSeconds: Math.ceil(this.timeoutMs / 1000),
        }),
        timeoutMs: this.timeoutMs + 1_000,
      });
      return await this.list(transport, `the stdio server "${stdio.command}"`);
    });
  }

  private listHttp(http: HttpTransport): Promise<readonly ProbedTool[]> {
    const url = new URL(http.url);
    // Origin and path only: credentials or tokens in the URL never reach a stored message.
    const where = `the server at ${url.origin}${url.pathname}`;
    return this.list(
      new StreamableHTTPClientTransport(url, { requestInit: { headers: { ...http.headers } } }),
      where,
    );
  }

  /** Connects over `transport` and reads every page of `tools/list`. */
  private async list(transport: Transport, where: string): Promise<readonly ProbedTool[]> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    const options = { signal, timeout: this.timeoutMs };
    const client = new Client(CLIENT_INFO);
    try {
      await client.connect(transport, options);
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
      const why = signal.aborted
        ? `no answer within ${this.timeoutMs / 1000} s`
        : errorMessage(error, { cause: true });
      throw new ToolProbeError(`could not list the tools of ${where}: ${why}`, { cause: error });
    } finally {
      await client.close().catch(() => undefined);
    }
  }
}
