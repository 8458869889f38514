export { DEFAULT_MAX_TURNS, DEFAULT_MEMORY_SIZE, aiAssistantWithDefaults } from "./defaults.js";
export { MAX_TOOLS, validateAiAssistant } from "./validate.js";
