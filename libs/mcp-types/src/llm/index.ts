export {
  DEFAULT_LLM_TIMEOUT_SECONDS,
  DEFAULT_MAX_TOKENS,
  DEFAULT_TEMPERATURE,
  MAX_TOKENS_LIMIT,
  checkSampling,
  fillLlmDefaults,
  providerWithDefaults,
  validateProvider,
  type LlmSettings,
} from "./settings.js";
