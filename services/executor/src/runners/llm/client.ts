import type { JsonObject } from "../../step/index.js";

/**
 * One chat call to an LLM, in a provider-neutral form shared by the llm_prompt and ai_assistant
 * runners. Implementations speak one wire format each (./openai.ts, ./anthropic.ts) and reject with a
 * StepFailure: `INVALID_CONFIG` (no API key), `LLM_ERROR` (the provider refused or kept failing),
 * `TIMEOUT` (no answer in time) or `CANCELLED` (`signal` aborted).
 */
export interface ChatClient {
  chat(request: ChatRequest): Promise<ChatResponse>;
}

export interface ChatRequest {
  readonly model: string;
  /** System prompt; omitted (or empty) sends none. */
  readonly system?: string;
  /** The conversation so far, oldest first. */
  readonly messages: readonly ChatMessage[];
  /** Tools the model may call; omitted (or empty) sends none. */
  readonly tools?: readonly ToolDefinition[];
  readonly temperature: number;
  readonly maxTokens: number;
  /** Aborts the call (and any wait between retries) at once. */
  readonly signal: AbortSignal;
}

/** A turn of the conversation. */
export type ChatMessage = UserMessage | AssistantMessage | ToolResultMessage;

export interface UserMessage {
  readonly role: "user";
  readonly text: string;
}

/** An earlier answer of the model, with the tool calls it made (to be followed by their results). */
export interface AssistantMessage {
  readonly role: "assistant";
  readonly text: string;
  readonly toolCalls?: readonly ToolCall[];
}

/** The result of one tool call, answering the {@link ToolCall} with the same id. */
export interface ToolResultMessage {
  readonly role: "tool";
  readonly toolCallId: string;
  /** The result as text (e.g. JSON). */
  readonly content: string;
  /** The tool failed; `content` says why. */
  readonly isError?: boolean;
}

/** A tool the model may call; `parameters` is the JSON Schema of its arguments. */
export interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  readonly parameters: JsonObject;
}

/** A call the model asked for. */
export interface ToolCall {
  /** The provider's id of the call; a tool result names it. */
  readonly id: string;
  readonly name: string;
  readonly arguments: JsonObject;
}

/** Why the model stopped, in neutral terms. */
export type StopReason = "end" | "tool_use" | "max_tokens" | "stop_sequence" | "content_filter" | "other";

export interface ChatResponse {
  /** The model's text (text blocks joined); "" when it only called tools. */
  readonly text: string;
  readonly toolCalls: ToolCall[];
  readonly usage: TokenUsage;
  readonly stopReason: StopReason;
}

export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}
