import { McpType, McpTypeSchema } from "@mcp/proto/registry";

/** `MCP_TYPE_PYTHON_SCRIPT` → `python_script` (the stored form). */
export function typeName(type: McpType): string {
  const value = McpTypeSchema.values.find((v) => v.number === (type as number));
  return value && type !== McpType.UNSPECIFIED
    ? value.name.replace(/^MCP_TYPE_/, "").toLowerCase()
    : "unspecified";
}
