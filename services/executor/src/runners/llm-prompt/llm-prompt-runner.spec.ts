import { create } from "@bufbuild/protobuf";
import { LlmApi, McpConfigSchema, McpType, type LlmPromptConfig } from "@mcp/proto/registry";
import { FakeProvider, eventually, rejectionOf } from "../llm/testing.js";
import { LlmPromptRunner } from "./llm-prompt-runner.js";
import { StepFailure, type JsonObject, type StepContext } from "../../step/index.js";

jest.setTimeout(20_000);

const KEY = "sk-live-do-not-leak-7f3a9c";
const KEY_ENV = "SPEC_LLM_API_KEY";

type ConfigInit = Partial<Omit<LlmPromptConfig, "$typeName" | "provider">> & {
  api?: LlmApi;
  keyEnv?: string;
};

describe("LlmPromptRunner", () => {
  let fake: FakeProvider;
  const runner = new LlmPromptRunner({
    env: { [KEY_ENV]: KEY },
    retry: { initialBackoffMs: 10, maxBackoffMs: 20 },
  });

  beforeEach(async () => {
    fake = await FakeProvider.start();
  });
  afterEach(async () => {
    await fake.close();
  });

  function contextFor(
    { api = LlmApi.OPENAI_COMPATIBLE, keyEnv = KEY_ENV, ...config }: ConfigInit,
    inputs: JsonObject = {},
    signal = new AbortController().signal,
  ): StepContext {
    const baseUrl = api === LlmApi.ANTHROPIC ? fake.url : `${fake.url}/v1`;
    return {
      runId: "run-1",
      stepId: "step-1",
      attempt: 1,
      mcp: {
        id: "mcp-llm-spec",
        name: "llm-spec",
        version: 1,
        type: McpType.LLM_PROMPT,
        config: create(McpConfigSchema, {
          kind: {
            case: "llmPrompt",
            value: {
              template: "Summarize: {{text}}",
              model: "test-model",
              ...config,
              provider: { api, baseUrl, apiKeyEnv: keyEnv },
            },
          },
        }),
      },
      inputs,
      signal,
    };
  }

  const openAiAnswer = (content: string, usage = { prompt_tokens: 12, completion_tokens: 5 }) => ({
    json: { choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }], usage },
  });
  const anthropicAnswer = (text: string) => ({
    json: {
      type: "message",
      role: "assistant",
      content: [{ type: "text", text }],
      stop_reason: "end_turn",
      usage: { input_tokens: 21, output_tokens: 7 },
    },
  });

  async function failureOf(promise: Promise<unknown>): Promise<StepFailure> {
    const error = await rejectionOf(promise);
    if (error instanceof StepFailure) return error;
    throw error;
  }

  describe("OpenAI-compatible provider", () => {
    it("sends the rendered prompt with the configured model and sampling, and returns the text and usage", async () => {
      fake.reply(openAiAnswer("A short summary."));
      const result = await runner.run(
        contextFor(
          {
            template: "Summarize for {{ reader.name }}: {{text}}",
            systemPrompt: "You summarize.",
            temperature: 0.2,
            maxTokens: 256,
          },
          { text: "Long text.", reader: { name: "Ada" } },
        ),
      );
      expect(result).toEqual({
        outputs: { text: "A short summary." },
        stdout: "",
        // progress lines: the request and the answer (also told to the live log)
        stderr:
          "llm request: model test-model, max_tokens 256\nllm answer: 12 input + 5 output tokens, stop reason end\n",
        stdoutTruncated: false,
        stderrTruncated: false,
        usage: { input_tokens: 12, output_tokens: 5, model: "test-model" },
      });
      expect(fake.requests).toHaveLength(1);
      const sent = fake.requests[0]!;
      expect(sent.method).toBe("POST");
      expect(sent.path).toBe("/v1/chat/completions");
      expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(sent.headers["content-type"]).toBe("application/json");
      expect(sent.body).toEqual({
        model: "test-model",
        messages: [
          { role: "system", content: "You summarize." },
          { role: "user", content: "Summarize for Ada: Long text." },
        ],
        temperature: 0.2,
        max_tokens: 256,
      });
    });

    it("uses temperature 0.7 and max_tokens 1024 when unset, and sends no system message when there is none", async () => {
      fake.reply(openAiAnswer("ok"));
      await runner.run(contextFor({}, { text: "t" }));
      expect(fake.requests[0]!.body).toEqual({
        model: "test-model",
        messages: [{ role: "user", content: "Summarize: t" }],
        temperature: 0.7,
        max_tokens: 1024,
      });
    });

    it("reads the key from process.env at call time by default", async () => {
      const env = "SPEC_LLM_PROCESS_KEY";
      const defaults = new LlmPromptRunner();
      process.env[env] = "sk-from-process-env-1";
      try {
        fake.reply(openAiAnswer("ok"));
        await defaults.run(contextFor({ keyEnv: env }, { text: "t" }));
        expect(fake.requests[0]!.headers.authorization).toBe("Bearer sk-from-process-env-1");
      } finally {
        delete process.env[env];
      }
      const failure = await failureOf(defaults.run(contextFor({ keyEnv: env }, { text: "t" })));
      expect(failure.code).toBe("INVALID_CONFIG");
    });
  });

  describe("Anthropic provider", () => {
    it("sends a Messages request with x-api-key and anthropic-version, and returns the text and usage", async () => {
      fake.reply(anthropicAnswer("Kurz."));
      const result = await runner.run(
        contextFor(
          { api: LlmApi.ANTHROPIC, systemPrompt: "Answer in German.", temperature: 0, maxTokens: 64 },
          { text: "Hi" },
        ),
      );
      expect(result.outputs).toEqual({ text: "Kurz." });
      expect(result.usage).toEqual({ input_tokens: 21, output_tokens: 7, model: "test-model" });
      const sent = fake.requests[0]!;
      expect(sent.path).toBe("/v1/messages");
      expect(sent.headers).toMatchObject({
        "x-api-key": KEY,
        "anthropic-version": "2023-06-01",
        "content-type": "application/json",
      });
      expect(sent.headers.authorization).toBeUndefined();
      expect(sent.body).toEqual({
        model: "test-model",
        max_tokens: 64,
        system: "Answer in German.",
        messages: [{ role: "user", content: "Summarize: Hi" }],
        temperature: 0,
      });
    });

    it("surfaces the message of an Anthropic error body", async () => {
      fake.reply({
        status: 404,
        json: { type: "error", error: { type: "not_found_error", message: "model: test-model" } },
      });
      const failure = await failureOf(runner.run(contextFor({ api: LlmApi.ANTHROPIC }, { text: "t" })));
      expect(failure).toMatchObject({
        code: "LLM_ERROR",
        message: "Anthropic API rejected the request with HTTP 404: model: test-model",
      });
    });
  });

  describe("retries", () => {
    it("waits the retry-after of a 429 (1 s) and retries once", async () => {
      fake.reply(
        { status: 429, headers: { "retry-after": "1" }, json: { error: { message: "Rate limit reached" } } },
        openAiAnswer("after the wait"),
      );
      const result = await runner.run(contextFor({}, { text: "t" }));
      expect(result.outputs).toEqual({ text: "after the wait" });
      expect(fake.requests).toHaveLength(2);
      const [first, second] = fake.requests;
      expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(950);
      expect(second!.body).toEqual(first!.body);
    });

    it("retries a 500, then succeeds", async () => {
      fake.reply({ status: 500, json: { error: { message: "internal" } } }, openAiAnswer("fine"));
      const result = await runner.run(contextFor({}, { text: "t" }));
      expect(result.outputs).toEqual({ text: "fine" });
      expect(fake.requests).toHaveLength(2);
    });

    it("fails at once on a 400 with the provider's message", async () => {
      fake.reply({
        status: 400,
        json: {
          error: { message: "Unsupported value: 'temperature'", type: "invalid_request_error", code: null },
        },
      });
      const failure = await failureOf(runner.run(contextFor({}, { text: "t" })));
      expect(failure).toMatchObject({
        code: "LLM_ERROR",
        message: "OpenAI-compatible API rejected the request with HTTP 400: Unsupported value: 'temperature'",
      });
      expect(fake.requests).toHaveLength(1);
    });
  });

  describe("API key", () => {
    it("fails with INVALID_CONFIG naming the variable when it is not set, sending nothing", async () => {
      const keyless = new LlmPromptRunner({ env: { OTHER_KEY: KEY } });
      const failure = await failureOf(keyless.run(contextFor({ keyEnv: "SPEC_MISSING_KEY" }, { text: "t" })));
      expect(failure.code).toBe("INVALID_CONFIG");
      expect(failure.message).toContain("SPEC_MISSING_KEY");
      expect(failure.message).not.toContain(KEY);
      expect(fake.requests).toHaveLength(0);
    });

    it("never puts the key in a failure, even when the provider echoes it", async () => {
      fake.reply({ status: 401, json: { error: { message: `Incorrect API key provided: ${KEY}.` } } });
      const failure = await failureOf(runner.run(contextFor({}, { text: "t" })));
      expect(failure.code).toBe("LLM_ERROR");
      expect(JSON.stringify({ message: failure.message, output: failure.output })).not.toContain(KEY);
    });
  });

  describe("json_output", () => {
    it("returns the parsed answer as json, from a ```json fence too", async () => {
      fake.reply(openAiAnswer('```json\n{"sentiment": "positive", "score": 0.9}\n```'));
      const result = await runner.run(contextFor({ jsonOutput: true }, { text: "t" }));
      expect(result.outputs).toEqual({
        text: '```json\n{"sentiment": "positive", "score": 0.9}\n```',
        json: { sentiment: "positive", score: 0.9 },
      });
    });

    it("fails with INVALID_OUTPUT when the answer is not JSON", async () => {
      fake.reply(openAiAnswer("I think it is positive."));
      const failure = await failureOf(runner.run(contextFor({ jsonOutput: true }, { text: "t" })));
      expect(failure.code).toBe("INVALID_OUTPUT");
      expect(failure.message).toContain("json_output is set but the model's answer is not valid JSON");
      expect(failure.output.stdout).toBe("I think it is positive.");
    });

    it("returns no json output when json_output is not set", async () => {
      fake.reply(openAiAnswer('{"a": 1}'));
      expect((await runner.run(contextFor({}, { text: "t" }))).outputs).toEqual({ text: '{"a": 1}' });
    });
  });

  describe("template variables", () => {
    it("fails with MISSING_INPUT naming a missing variable, sending nothing", async () => {
      const failure = await failureOf(
        runner.run(contextFor({ template: "{{text}} for {{audience}}" }, { text: "t" })),
      );
      expect(failure).toMatchObject({ code: "MISSING_INPUT", message: 'the prompt needs input "audience"' });
      expect(fake.requests).toHaveLength(0);
    });

    it("requires every declared input variable", async () => {
      const failure = await failureOf(
        runner.run(contextFor({ inputVariables: ["text", "tone"] }, { text: "t" })),
      );
      expect(failure).toMatchObject({ code: "MISSING_INPUT", message: 'the prompt needs input "tone"' });
    });

    it("rejects a placeholder outside the declared input variables", async () => {
      const failure = await failureOf(
        runner.run(
          contextFor(
            { template: "{{text}} {{secret}}", inputVariables: ["text"] },
            { text: "t", secret: "s" },
          ),
        ),
      );
      expect(failure.code).toBe("INVALID_CONFIG");
      expect(failure.message).toContain('"secret"');
      expect(fake.requests).toHaveLength(0);
    });
  });

  describe("cancel and timeout", () => {
    it("stops a request in flight when the step is cancelled", async () => {
      fake.reply({ hang: true });
      const controller = new AbortController();
      const pending = failureOf(runner.run(contextFor({}, { text: "t" }, controller.signal)));
      expect(await eventually(() => fake.requests.length === 1)).toBe(true);
      controller.abort(new Error("run cancelled"));
      const failure = await pending;
      expect(failure.code).toBe("CANCELLED");
      expect(await eventually(() => fake.abandoned === 1)).toBe(true);
    });

    it("fails with TIMEOUT when the provider does not answer within timeout_seconds", async () => {
      fake.reply({ hang: true });
      const started = Date.now();
      const failure = await failureOf(runner.run(contextFor({ timeoutSeconds: 1 }, { text: "t" })));
      expect(failure).toMatchObject({
        code: "TIMEOUT",
        message: "OpenAI-compatible API did not answer within 1 s",
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    });
  });

  it("refuses an MCP that is not llm_prompt", async () => {
    const context = contextFor({});
    const python: StepContext = {
      ...context,
      mcp: { ...context.mcp, config: create(McpConfigSchema, { kind: { case: "pythonScript", value: {} } }) },
    };
    expect((await failureOf(runner.run(python))).code).toBe("UNSUPPORTED_MCP_TYPE");
  });
});
