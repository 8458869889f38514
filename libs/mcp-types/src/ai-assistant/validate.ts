import type { FieldViolation } from "@mcp/errors";
import type { AiAssistantConfig, McpReference } from "@mcp/proto/registry";
import { checkMaxItems, checkRange, checkRequired, fieldPath, indexPath, violation } from "@mcp/validation";
import { checkMcpOneof, checkSelector } from "@mcp/validation";
import { checkSampling, validateProvider } from "../llm/settings.js";

/** Most tools one assistant may call. */
export const MAX_TOOLS = 64;

/**
 * Checks an ai_assistant config at `path`: system_prompt and model required; sampling;
 * memory_size 0..1000; max_turns 1..100; provider; at most 64 tools, each naming an MCP by id or
 * name (optionally a version ≥ 1 or a label), no MCP twice.
 */
export function validateAiAssistant(config: AiAssistantConfig, path: string): FieldViolation[] {
  return [
    ...checkRequired(config.systemPrompt, fieldPath(path, "system_prompt")),
    ...checkRequired(config.model, fieldPath(path, "model")),
    ...checkSampling(config, path),
    ...checkRange(config.memorySize, 0, 1000, fieldPath(path, "memory_size")),
    ...checkRange(config.maxTurns, 1, 100, fieldPath(path, "max_turns")),
    ...validateProvider(config.provider, fieldPath(path, "provider")),
    ...checkTools(config.tools, fieldPath(path, "tools")),
  ];
}

function checkTools(tools: readonly McpReference[], field: string): FieldViolation[] {
  const seen = new Map<string, number>();
  const out = checkMaxItems(tools, MAX_TOOLS, field);
  tools.forEach((tool, i) => {
    const at = indexPath(field, i);
    out.push(...checkMcpOneof(tool.mcp, at), ...checkSelector(tool.selector, at));
    if (tool.mcp.case === undefined) return;
    // Names and UUIDs are both case-insensitive, so both compare lower-cased.
    const key = `${tool.mcp.case}:${tool.mcp.value.toLowerCase()}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else out.push(violation(at, `refers to the same MCP as ${indexPath(field, first)}`));
  });
  return out;
}
