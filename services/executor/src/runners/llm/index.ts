/** LLM provider clients shared by the llm_prompt and ai_assistant runners. */
export type {
  ChatClient,
  ChatMessage,
  ChatRequest,
  ChatResponse,
  AssistantMessage,
  StopReason,
  TokenUsage,
  ToolCall,
  ToolDefinition,
  ToolResultMessage,
  UserMessage,
} from "./client.js";
export {
  createChatClient,
  stepChatClient,
  type ChatClientOptions,
  type LlmRunnerOptions,
} from "./create-client.js";
export type { Connection } from "./connection.js";
export { OpenAiChatClient } from "./openai.js";
export { AnthropicChatClient, ANTHROPIC_VERSION } from "./anthropic.js";
export { DEFAULT_MAX_ATTEMPTS, type RetryOptions } from "./http.js";
