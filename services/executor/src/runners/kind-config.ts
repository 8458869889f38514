import { configOf, kindFieldName, type KindConfig, type McpConfigKind } from "@mcp/mcp-types";
import { StepFailure, type PinnedMcp } from "../step/index.js";

/**
 * The config of `kind` the pinned MCP carries, for the runner of that kind; UNSUPPORTED_MCP_TYPE
 * when it carries another (`createRunners` dispatches on the config's kind, so only a runner called
 * directly meets one).
 */
export function runnerConfigOf<K extends McpConfigKind>(mcp: PinnedMcp, kind: K): KindConfig<K> {
  const config = configOf(mcp, kind);
  if (config === undefined) {
    throw new StepFailure(
      "UNSUPPORTED_MCP_TYPE",
      `the ${kindFieldName(kind)} runner cannot run a ${mcp.config.kind.case ?? "config-less"} MCP`,
    );
  }
  return config;
}
