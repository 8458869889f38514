import { StepFailure } from "../../step/index.js";
import { AnthropicChatClient, anthropicResponse } from "./anthropic.js";
import type { ChatMessage, ChatRequest, ToolDefinition } from "./client.js";
import { FakeProvider, rejectionOf } from "./testing.js";

const KEY = "sk-ant-spec-key-42";
const WEATHER: ToolDefinition = {
  name: "get_weather",
  description: "Current weather of a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

describe("AnthropicChatClient", () => {
  let fake: FakeProvider;
  let client: AnthropicChatClient;
  beforeEach(async () => {
    fake = await FakeProvider.start();
    client = new AnthropicChatClient({
      baseUrl: fake.url,
      apiKeyEnv: "SPEC_ANTHROPIC_KEY",
      timeoutMs: 5_000,
      env: { SPEC_ANTHROPIC_KEY: KEY },
      retry: { initialBackoffMs: 1 },
    });
  });
  afterEach(async () => {
    await fake.close();
  });

  const request = (over: Partial<ChatRequest> = {}): ChatRequest => ({
    model: "claude-sonnet-4-5",
    messages: [{ role: "user", text: "Weather in Oslo?" }],
    temperature: 0.2,
    maxTokens: 300,
    signal: new AbortController().signal,
    ...over,
  });

  it("parses tool_use blocks into tool calls", async () => {
    fake.reply({
      json: {
        id: "msg_1",
        type: "message",
        role: "assistant",
        model: "claude-sonnet-4-5",
        content: [
          { type: "text", text: "Let me check." },
          { type: "tool_use", id: "toolu_a", name: "get_weather", input: { city: "Oslo" } },
        ],
        stop_reason: "tool_use",
        stop_sequence: null,
        usage: { input_tokens: 60, output_tokens: 25 },
      },
    });
    const answer = await client.chat(request({ system: "Be brief.", tools: [WEATHER] }));
    expect(answer).toEqual({
      text: "Let me check.",
      toolCalls: [{ id: "toolu_a", name: "get_weather", arguments: { city: "Oslo" } }],
      usage: { inputTokens: 60, outputTokens: 25 },
      stopReason: "tool_use",
    });
    const sent = fake.requests[0]!;
    expect(sent.path).toBe("/v1/messages");
    expect(sent.headers).toMatchObject({ "x-api-key": KEY, "anthropic-version": "2023-06-01" });
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.body).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 300,
      system: "Be brief.",
      messages: [{ role: "user", content: "Weather in Oslo?" }],
      temperature: 0.2,
      tools: [
        { name: "get_weather", description: "Current weather of a city", input_schema: WEATHER.parameters },
      ],
    });
  });

  it("sends tool results as tool_result blocks of one user turn", async () => {
    fake.reply({
      json: {
        content: [{ type: "text", text: "Oslo 4°C; Bergen unknown." }],
        stop_reason: "end_turn",
        usage: { input_tokens: 100, output_tokens: 9, cache_read_input_tokens: 20 },
      },
    });
    const history: ChatMessage[] = [
      { role: "user", text: "Weather in Oslo and Bergen?" },
      {
        role: "assistant",
        text: "Checking both.",
        toolCalls: [
          { id: "toolu_a", name: "get_weather", arguments: { city: "Oslo" } },
          { id: "toolu_b", name: "get_weather", arguments: { city: "Bergen" } },
        ],
      },
      { role: "tool", toolCallId: "toolu_a", content: '{"celsius":4}' },
      { role: "tool", toolCallId: "toolu_b", content: "station offline", isError: true },
    ];
    const answer = await client.chat(request({ messages: history, tools: [WEATHER] }));
    expect(answer).toEqual({
      text: "Oslo 4°C; Bergen unknown.",
      toolCalls: [],
      usage: { inputTokens: 120, outputTokens: 9 },
      stopReason: "end",
    });
    const body = fake.requests[0]!.body as { messages: unknown; system?: unknown };
    expect(body.system).toBeUndefined();
    expect(body.messages).toEqual([
      { role: "user", content: "Weather in Oslo and Bergen?" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Checking both." },
          { type: "tool_use", id: "toolu_a", name: "get_weather", input: { city: "Oslo" } },
          { type: "tool_use", id: "toolu_b", name: "get_weather", input: { city: "Bergen" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_a", content: '{"celsius":4}' },
          { type: "tool_result", tool_use_id: "toolu_b", content: "station offline", is_error: true },
        ],
      },
    ]);
  });

  it("surfaces an Anthropic error body's message", async () => {
    fake.reply({
      status: 400,
      json: {
        type: "error",
        error: { type: "invalid_request_error", message: "max_tokens: Field required" },
      },
    });
    const failure = await rejectionOf(client.chat(request()));
    expect(failure).toBeInstanceOf(StepFailure);
    expect(failure).toMatchObject({
      code: "LLM_ERROR",
      message: "Anthropic API rejected the request with HTTP 400: max_tokens: Field required",
    });
  });
});

describe("anthropicResponse", () => {
  it("joins text blocks and maps stop reasons", () => {
    const answer = anthropicResponse({
      content: [
        { type: "text", text: "a" },
        { type: "thinking", thinking: "…" },
        { type: "text", text: "b" },
      ],
      stop_reason: "max_tokens",
      usage: { input_tokens: 1, output_tokens: 2 },
    });
    expect(answer).toEqual({
      text: "ab",
      toolCalls: [],
      usage: { inputTokens: 1, outputTokens: 2 },
      stopReason: "max_tokens",
    });
  });

  it("fails with LLM_ERROR when there is no content array", () => {
    expect(() => anthropicResponse({ type: "message" })).toThrow(
      expect.objectContaining({ code: "LLM_ERROR" }) as Error,
    );
  });
});
