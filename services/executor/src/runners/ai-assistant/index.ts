export { AiAssistantRunner, type AiAssistantRunnerOptions } from "./ai-assistant-runner.js";
