export { llmPromptWithDefaults } from "./defaults.js";
export { MAX_TEMPLATE_LENGTH, validateLlmPrompt } from "./validate.js";
