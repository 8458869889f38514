import type { JsonObject, JsonValue } from "../../step/index.js";
import type { ChatClient, ChatMessage, ChatRequest, ChatResponse, StopReason, ToolCall } from "./client.js";
import { apiKeyOf, endpoint, type Connection } from "./connection.js";
import { postJson } from "./http.js";
import { asArray, asCount, asFields, asString, isJsonObject, malformed } from "./wire.js";

const PROVIDER = "Anthropic API";
export const ANTHROPIC_VERSION = "2023-06-01";

/** The Messages API (`POST {base_url}/v1/messages`, `x-api-key`, `anthropic-version: 2023-06-01`). */
export class AnthropicChatClient implements ChatClient {
  constructor(private readonly connection: Connection) {}

  async chat(request: ChatRequest): Promise<ChatResponse> {
    const key = apiKeyOf(this.connection);
    const answer = await postJson(
      {
        provider: PROVIDER,
        url: endpoint(this.connection, "/v1/messages"),
        headers: { "x-api-key": key, "anthropic-version": ANTHROPIC_VERSION },
        body: anthropicRequestBody(request),
        signal: request.signal,
        timeoutMs: this.connection.timeoutMs,
        secret: key,
      },
      this.connection.retry,
    );
    return anthropicResponse(answer);
  }
}

type Role = "user" | "assistant";
interface Turn {
  role: Role;
  blocks: JsonObject[];
}

/** The Messages request body for `request`. */
export function anthropicRequestBody(request: ChatRequest): JsonObject {
  const body: JsonObject = {
    model: request.model,
    max_tokens: request.maxTokens,
    messages: turns(request.messages).map(({ role, blocks }) => ({ role, content: content(blocks) })),
    temperature: request.temperature,
  };
  if (request.system) body.system = request.system;
  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      input_schema: tool.parameters,
    }));
  }
  return body;
}

/**
 * Messages as alternating user/assistant turns: tool results travel as `tool_result` blocks of a user
 * turn, and consecutive messages of one role (several tool results, results then text) share one turn.
 */
function turns(messages: readonly ChatMessage[]): Turn[] {
  const out: Turn[] = [];
  for (const message of messages) {
    const role: Role = message.role === "assistant" ? "assistant" : "user";
    const last = out[out.length - 1];
    if (last?.role === role) last.blocks.push(...blocks(message));
    else out.push({ role, blocks: blocks(message) });
  }
  return out;
}

function blocks(message: ChatMessage): JsonObject[] {
  switch (message.role) {
    case "user":
      return [{ type: "text", text: message.text }];
    case "assistant": {
      const text: JsonObject[] = message.text === "" ? [] : [{ type: "text", text: message.text }];
      const calls = (message.toolCalls ?? []).map((call): JsonObject => ({
        type: "tool_use",
        id: call.id,
        name: call.name,
        input: call.arguments,
      }));
      return [...text, ...calls];
    }
    case "tool": {
      const result: JsonObject = {
        type: "tool_result",
        tool_use_id: message.toolCallId,
        content: message.content,
      };
      if (message.isError === true) result.is_error = true;
      return [result];
    }
  }
}

/** A lone text block goes as plain string content. */
function content(turnBlocks: JsonObject[]): JsonValue {
  const only = turnBlocks.length === 1 ? turnBlocks[0] : undefined;
  return only?.type === "text" && typeof only.text === "string" ? only.text : turnBlocks;
}

/** A Messages answer in neutral form. */
export function anthropicResponse(answer: unknown): ChatResponse {
  const message = asFields(answer);
  if (!Array.isArray(message?.content)) throw malformed(PROVIDER, "no content array");
  let text = "";
  const toolCalls: ToolCall[] = [];
  for (const value of asArray(message.content)) {
    const block = asFields(value);
    if (block?.type === "text") text += asString(block.text) ?? "";
    if (block?.type === "tool_use") toolCalls.push(toolUse(block.id, block.name, block.input));
  }
  const usage = asFields(message.usage);
  return {
    text,
    toolCalls,
    usage: {
      // Prompt-cache reads and writes are input too.
      inputTokens:
        asCount(usage?.input_tokens) +
        asCount(usage?.cache_creation_input_tokens) +
        asCount(usage?.cache_read_input_tokens),
      outputTokens: asCount(usage?.output_tokens),
    },
    stopReason: stopReason(asString(message.stop_reason)),
  };
}

function toolUse(id: unknown, name: unknown, input: unknown): ToolCall {
  if (typeof id !== "string" || typeof name !== "string") {
    throw malformed(PROVIDER, "a tool_use block without id or name");
  }
  if (input !== undefined && !isJsonObject(input)) {
    throw malformed(PROVIDER, `tool_use ${name} has an input that is not a JSON object`);
  }
  return { id, name, arguments: input ?? {} };
}

function stopReason(reason: string | undefined): StopReason {
  switch (reason) {
    case "end_turn":
      return "end";
    case "tool_use":
      return "tool_use";
    case "max_tokens":
      return "max_tokens";
    case "stop_sequence":
      return "stop_sequence";
    case "refusal":
      return "content_filter";
    default:
      return "other";
  }
}
