import { clone } from "@bufbuild/protobuf";
import { McpToolConfigSchema, type McpToolConfig } from "@mcp/proto/registry";

/** Call timeout (one attempt: connect, list the tools, call) when none is given, in seconds. */
export const DEFAULT_TOOL_TIMEOUT_SECONDS = 60;

/** A copy with defaults filled in: timeout 60 s. */
export function mcpToolWithDefaults(config: McpToolConfig): McpToolConfig {
  const out = clone(McpToolConfigSchema, config);
  out.timeoutSeconds ??= DEFAULT_TOOL_TIMEOUT_SECONDS;
  return out;
}
