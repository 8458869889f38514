import { McpType, McpTypeSchema } from "@mcp/proto/registry";

const PREFIX = "MCP_TYPE_";

/** `MCP_TYPE_LLM_PROMPT` → `llm_prompt`: the stored, lower-case type name. */
export function typeName(type: McpType): string {
  const value = McpTypeSchema.values.find((v) => v.number === (type as number));
  if (!value || type === McpType.UNSPECIFIED) throw new Error(`no stored name for MCP type ${type}`);
  return value.name.slice(PREFIX.length).toLowerCase();
}

/** `llm_prompt` → `McpType.LLM_PROMPT`; UNSPECIFIED for an unknown name. */
export function typeFromName(name: string): McpType {
  const value = McpTypeSchema.values.find((v) => v.name === PREFIX + name.toUpperCase());
  return value?.number ?? McpType.UNSPECIFIED;
}
