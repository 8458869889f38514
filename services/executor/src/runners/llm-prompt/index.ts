export { LlmPromptRunner, type LlmPromptRunnerOptions } from "./llm-prompt-runner.js";
