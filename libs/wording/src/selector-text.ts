import type { McpReference } from "@mcp/proto/registry";

/** How a step selects an MCP's version: `latest` (no selector), `label production`, `version 3`. */
export function selectorText(ref: McpReference | undefined): string {
  const selector = ref?.selector;
  if (selector?.case === "label") return `label ${selector.value}`;
  if (selector?.case === "version") return `version ${selector.value}`;
  return "latest";
}
