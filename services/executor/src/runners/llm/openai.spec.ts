import { StepFailure } from "../../step/index.js";
import type { ChatMessage, ChatRequest, ToolDefinition } from "./client.js";
import { OpenAiChatClient, openAiResponse } from "./openai.js";
import { FakeProvider, rejectionOf } from "./testing.js";

const KEY = "sk-openai-spec-key-42";
const WEATHER: ToolDefinition = {
  name: "get_weather",
  description: "Current weather of a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

describe("OpenAiChatClient", () => {
  let fake: FakeProvider;
  let client: OpenAiChatClient;
  beforeEach(async () => {
    fake = await FakeProvider.start();
    client = new OpenAiChatClient({
      baseUrl: `${fake.url}/v1/`,
      apiKeyEnv: "SPEC_OPENAI_KEY",
      timeoutMs: 5_000,
      env: { SPEC_OPENAI_KEY: KEY },
      retry: { initialBackoffMs: 1 },
    });
  });
  afterEach(async () => {
    await fake.close();
  });

  const request = (over: Partial<ChatRequest> = {}): ChatRequest => ({
    model: "gpt-4o-mini",
    messages: [{ role: "user", text: "Weather in Oslo?" }],
    temperature: 0.2,
    maxTokens: 300,
    signal: new AbortController().signal,
    ...over,
  });

  it("parses tool calls, their JSON-string arguments included", async () => {
    fake.reply({
      json: {
        id: "chatcmpl-1",
        object: "chat.completion",
        model: "gpt-4o-mini-2024-07-18",
        choices: [
          {
            index: 0,
            message: {
              role: "assistant",
              content: null,
              tool_calls: [
                {
                  id: "call_a",
                  type: "function",
                  function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
                },
                {
                  id: "call_b",
                  type: "function",
                  function: { name: "get_weather", arguments: '{"city":"Bergen"}' },
                },
              ],
            },
            finish_reason: "tool_calls",
          },
        ],
        usage: { prompt_tokens: 50, completion_tokens: 20, total_tokens: 70 },
      },
    });
    const answer = await client.chat(request({ system: "Be brief.", tools: [WEATHER] }));
    expect(answer).toEqual({
      text: "",
      toolCalls: [
        { id: "call_a", name: "get_weather", arguments: { city: "Oslo" } },
        { id: "call_b", name: "get_weather", arguments: { city: "Bergen" } },
      ],
      usage: { inputTokens: 50, outputTokens: 20 },
      stopReason: "tool_use",
    });
    expect(fake.requests[0]!.path).toBe("/v1/chat/completions");
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(fake.requests[0]!.body).toEqual({
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Weather in Oslo?" },
      ],
      temperature: 0.2,
      max_tokens: 300,
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Current weather of a city",
            parameters: WEATHER.parameters,
          },
        },
      ],
    });
  });

  it("sends tool results back as tool messages after the assistant's tool_calls", async () => {
    fake.reply({
      json: {
        choices: [
          { message: { role: "assistant", content: "Oslo 4°C, Bergen failed." }, finish_reason: "stop" },
        ],
        usage: { prompt_tokens: 90, completion_tokens: 8 },
      },
    });
    const history: ChatMessage[] = [
      { role: "user", text: "Weather in Oslo and Bergen?" },
      {
        role: "assistant",
        text: "",
        toolCalls: [
          { id: "call_a", name: "get_weather", arguments: { city: "Oslo" } },
          { id: "call_b", name: "get_weather", arguments: { city: "Bergen" } },
        ],
      },
      { role: "tool", toolCallId: "call_a", content: '{"celsius":4}' },
      { role: "tool", toolCallId: "call_b", content: "station offline", isError: true },
    ];
    const answer = await client.chat(request({ messages: history, tools: [WEATHER] }));
    expect(answer).toMatchObject({ text: "Oslo 4°C, Bergen failed.", toolCalls: [], stopReason: "end" });
    expect((fake.requests[0]!.body as { messages: unknown }).messages).toEqual([
      { role: "user", content: "Weather in Oslo and Bergen?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_a", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
          {
            id: "call_b",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Bergen"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_a", content: '{"celsius":4}' },
      { role: "tool", tool_call_id: "call_b", content: "Error: station offline" },
    ]);
  });

  it("fails with INVALID_CONFIG naming the variable when the key is not set, sending nothing", async () => {
    const keyless = new OpenAiChatClient({
      baseUrl: fake.url,
      apiKeyEnv: "SPEC_UNSET_KEY",
      timeoutMs: 1_000,
      env: {},
    });
    const failure = await rejectionOf(keyless.chat(request()));
    expect(failure).toBeInstanceOf(StepFailure);
    expect(failure).toMatchObject({ code: "INVALID_CONFIG" });
    expect((failure as StepFailure).message).toContain("SPEC_UNSET_KEY");
    expect(fake.requests).toHaveLength(0);
  });
});

describe("openAiResponse", () => {
  it("maps finish reasons and reads text parts", () => {
    const answer = openAiResponse({
      choices: [
        {
          message: {
            content: [
              { type: "text", text: "a" },
              { type: "text", text: "b" },
            ],
          },
          finish_reason: "length",
        },
      ],
    });
    expect(answer).toEqual({
      text: "ab",
      toolCalls: [],
      usage: { inputTokens: 0, outputTokens: 0 },
      stopReason: "max_tokens",
    });
  });

  it("reads empty arguments as no arguments", () => {
    const answer = openAiResponse({
      choices: [{ message: { tool_calls: [{ id: "c", function: { name: "now", arguments: "" } }] } }],
    });
    expect(answer.toolCalls).toEqual([{ id: "c", name: "now", arguments: {} }]);
  });

  it("fails with LLM_ERROR on arguments that are not a JSON object", () => {
    const bad = {
      choices: [{ message: { tool_calls: [{ id: "c", function: { name: "f", arguments: "{oops" } }] } }],
    };
    expect(() => openAiResponse(bad)).toThrow(
      new StepFailure(
        "LLM_ERROR",
        "OpenAI-compatible API answered in an unexpected shape: tool call f has arguments that are not a JSON object",
      ),
    );
  });

  it("fails with LLM_ERROR when there is no choice", () => {
    expect(() => openAiResponse({ choices: [] })).toThrow(
      expect.objectContaining({ code: "LLM_ERROR" }) as Error,
    );
  });
});
