import { clone } from "@bufbuild/protobuf";
import { LlmPromptConfigSchema, type LlmPromptConfig } from "@mcp/proto/registry";
import { DEFAULT_LLM_TIMEOUT_SECONDS, fillLlmDefaults } from "../llm/settings.js";

/** A copy with defaults filled in: temperature 0.7, max_tokens 1024, timeout 120 s, provider api. */
export function llmPromptWithDefaults(config: LlmPromptConfig): LlmPromptConfig {
  const out = clone(LlmPromptConfigSchema, config);
  fillLlmDefaults(out);
  out.timeoutSeconds ??= DEFAULT_LLM_TIMEOUT_SECONDS;
  return out;
}
