import type { JsonObject } from "../../step/index.js";
import type { ChatClient, ChatMessage, ChatRequest, ChatResponse, StopReason, ToolCall } from "./client.js";
import { apiKeyOf, endpoint, type Connection } from "./connection.js";
import { postJson } from "./http.js";
import { asArray, asCount, asFields, asString, isJsonObject, malformed, type Fields } from "./wire.js";

const PROVIDER = "OpenAI-compatible API";

/**
 * Chat Completions (`POST {base_url}/chat/completions`, `Authorization: Bearer <key>`), as spoken by
 * OpenAI and the many servers compatible with it.
 */
export class OpenAiChatClient implements ChatClient {
  constructor(private readonly connection: Connection) {}

  async chat(request: ChatRequest): Promise<ChatResponse> {
    const key = apiKeyOf(this.connection);
    const answer = await postJson(
      {
        provider: PROVIDER,
        url: endpoint(this.connection, "/chat/completions"),
        headers: { authorization: `Bearer ${key}` },
        body: openAiRequestBody(request),
        signal: request.signal,
        timeoutMs: this.connection.timeoutMs,
        secret: key,
      },
      this.connection.retry,
    );
    return openAiResponse(answer);
  }
}

/** The Chat Completions request body for `request`. */
export function openAiRequestBody(request: ChatRequest): JsonObject {
  const system = request.system ? [{ role: "system", content: request.system }] : [];
  const body: JsonObject = {
    model: request.model,
    messages: [...system, ...request.messages.map(openAiMessage)],
    temperature: request.temperature,
    max_tokens: request.maxTokens,
  };
  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: "function",
      function: { name: tool.name, description: tool.description, parameters: tool.parameters },
    }));
  }
  return body;
}

function openAiMessage(message: ChatMessage): JsonObject {
  switch (message.role) {
    case "user":
      return { role: "user", content: message.text };
    case "assistant": {
      const calls = message.toolCalls ?? [];
      if (calls.length === 0) return { role: "assistant", content: message.text };
      return {
        role: "assistant",
        content: message.text === "" ? null : message.text,
        tool_calls: calls.map((call) => ({
          id: call.id,
          type: "function",
          function: { name: call.name, arguments: JSON.stringify(call.arguments) },
        })),
      };
    }
    case "tool":
      // Chat Completions has no error flag on tool results: the text says it.
      return {
        role: "tool",
        tool_call_id: message.toolCallId,
        content: message.isError === true ? `Error: ${message.content}` : message.content,
      };
  }
}

/** A Chat Completions answer in neutral form. */
export function openAiResponse(answer: unknown): ChatResponse {
  const choice = asFields(asArray(asFields(answer)?.choices)[0]);
  const message = asFields(choice?.message);
  if (message === undefined) throw malformed(PROVIDER, "no choices[0].message");
  const usage = asFields(asFields(answer)?.usage);
  return {
    text: contentText(message.content),
    toolCalls: asArray(message.tool_calls).map(toolCall),
    usage: { inputTokens: asCount(usage?.prompt_tokens), outputTokens: asCount(usage?.completion_tokens) },
    stopReason: stopReason(asString(choice?.finish_reason)),
  };
}

/** `content` is a string, null (tool calls only) or, on some servers, an array of text parts. */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  return asArray(content)
    .map((part) => asString(asFields(part)?.text) ?? "")
    .join("");
}

function toolCall(value: unknown): ToolCall {
  const call = asFields(value);
  const fn = asFields(call?.function);
  const id = asString(call?.id);
  const name = asString(fn?.name);
  if (id === undefined || name === undefined) throw malformed(PROVIDER, "a tool call without id or name");
  return { id, name, arguments: toolArguments(name, fn) };
}

/** `function.arguments` is a JSON string holding an object ("" meaning none). */
function toolArguments(name: string, fn: Fields | undefined): JsonObject {
  const raw = fn?.arguments;
  if (raw === undefined || raw === "") return {};
  if (isJsonObject(raw)) return raw;
  let parsed: unknown;
  try {
    parsed = typeof raw === "string" ? JSON.parse(raw) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!isJsonObject(parsed))
    throw malformed(PROVIDER, `tool call ${name} has arguments that are not a JSON object`);
  return parsed;
}

function stopReason(finishReason: string | undefined): StopReason {
  switch (finishReason) {
    case "stop":
      return "end";
    case "tool_calls":
    case "function_call":
      return "tool_use";
    case "length":
      return "max_tokens";
    case "content_filter":
      return "content_filter";
    default:
      return "other";
  }
}
