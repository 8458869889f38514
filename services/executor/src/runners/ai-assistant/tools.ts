import type { ToolDefinition } from "../llm/index.js";
import type { JsonObject, PinnedMcp } from "../../step/index.js";

/** Provider tool names: letters, digits, `_` and `-`, at most 64. */
export function toolName(mcp: PinnedMcp): string {
  return mcp.name.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64);
}

const ANY_OBJECT: JsonObject = { type: "object", properties: {}, additionalProperties: true };

/** The tool the model sees for an MCP: its name, description and input schema. */
export function toolDefinition(mcp: PinnedMcp): ToolDefinition {
  return {
    name: toolName(mcp),
    description: mcp.description || `Runs the MCP "${mcp.name}" (version ${mcp.version}).`,
    parameters: mcp.inputSchema && mcp.inputSchema["type"] === "object" ? mcp.inputSchema : ANY_OBJECT,
  };
}
