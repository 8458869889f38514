import type { McpToolConfig } from "@mcp/proto/registry";
import type { JsonObject } from "@mcp/versioning";

/** One tool as an MCP server describes it in `tools/list`. */
export interface ProbedTool {
  readonly name: string;
  /** "" when the server gave none. */
  readonly description: string;
  /** JSON Schema of the tool's arguments. */
  readonly inputSchema: JsonObject;
}

/**
 * Asks the server of an `mcp_tool` config which tools it offers. Injected into the writer by the
 * composition root (the real one is {@link ServerToolProbe}; unit tests pass a fake).
 */
export interface ToolProbe {
  /**
   * The tools the server offers, in its order. Rejects with {@link ToolProbeError} (or any error)
   * whose message says why it could not tell: unreachable, too slow, not a server it probes.
   */
  listTools(config: McpToolConfig): Promise<readonly ProbedTool[]>;
}

/** Why a probe could not list the tools; its message is stored as the version's `tool_snapshot_error`. */
export class ToolProbeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ToolProbeError";
  }
}
