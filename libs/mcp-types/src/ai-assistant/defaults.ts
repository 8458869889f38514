import { clone } from "@bufbuild/protobuf";
import { AiAssistantConfigSchema, type AiAssistantConfig } from "@mcp/proto/registry";
import { fillLlmDefaults } from "../llm/settings.js";

/** Messages of history kept when none is given. */
export const DEFAULT_MEMORY_SIZE = 20;
/** Model turns when none is given. */
export const DEFAULT_MAX_TURNS = 10;

/** A copy with defaults filled in: temperature 0.7, max_tokens 1024, memory_size 20, max_turns 10, provider api. */
export function aiAssistantWithDefaults(config: AiAssistantConfig): AiAssistantConfig {
  const out = clone(AiAssistantConfigSchema, config);
  fillLlmDefaults(out);
  out.memorySize ??= DEFAULT_MEMORY_SIZE;
  out.maxTurns ??= DEFAULT_MAX_TURNS;
  return out;
}
