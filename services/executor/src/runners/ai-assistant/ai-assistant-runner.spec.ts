import { create } from "@bufbuild/protobuf";
import { LlmApi, McpConfigSchema, McpType } from "@mcp/proto/registry";
import { AiAssistantRunner } from "./ai-assistant-runner.js";
import { FakeProvider } from "../llm/testing.js";
import {
  StepFailure,
  type ChildCall,
  type ChildSteps,
  type PinnedMcp,
  type StepContext,
} from "../../step/index.js";

const KEY_ENV = "ASSISTANT_TEST_KEY";

function assistant(
  api: LlmApi,
  baseUrl: string,
  init: { maxTurns?: number; memorySize?: number } = {},
): PinnedMcp {
  return {
    id: "00000000-0000-4000-8000-000000000001",
    name: "helper",
    version: 1,
    type: McpType.AI_ASSISTANT,
    config: create(McpConfigSchema, {
      kind: {
        case: "aiAssistant",
        value: {
          systemPrompt: "You add numbers.",
          model: "m-1",
          temperature: 0,
          maxTokens: 50,
          provider: { api, baseUrl, apiKeyEnv: KEY_ENV },
          ...init,
        },
      },
    }),
  };
}

const adder: PinnedMcp = {
  id: "00000000-0000-4000-8000-000000000002",
  name: "math.add",
  version: 3,
  type: McpType.PYTHON_SCRIPT,
  description: "Adds a and b.",
  inputSchema: {
    type: "object",
    properties: { a: { type: "number" }, b: { type: "number" } },
    required: ["a", "b"],
  },
  config: create(McpConfigSchema, {
    kind: { case: "pythonScript", value: { source: { case: "scriptContent", value: "" } } },
  }),
};

/** Children that run `add` in process and record the calls. */
function children(fail = false): ChildSteps & { calls: ChildCall[] } {
  const calls: ChildCall[] = [];
  return {
    tools: [adder],
    calls,
    run(call) {
      calls.push(call);
      if (fail) return Promise.reject(new StepFailure("SCRIPT_REPORTED_FAILURE", "adder broke"));
      const { a, b } = call.inputs as { a: number; b: number };
      return Promise.resolve({
        outputs: { sum: a + b },
        stdout: "",
        stderr: "",
        stdoutTruncated: false,
        stderrTruncated: false,
      });
    },
  };
}

function context(mcp: PinnedMcp, kids: ChildSteps): StepContext {
  return {
    runId: "r",
    stepId: "assistant",
    attempt: 1,
    mcp,
    inputs: { message: "What is 2 + 3?" },
    signal: new AbortController().signal,
    children: kids,
  };
}

describe("AiAssistantRunner", () => {
  let provider: FakeProvider;
  beforeEach(async () => {
    provider = await FakeProvider.start();
    process.env[KEY_ENV] = "sk-test";
  });
  afterEach(async () => {
    await provider.close();
    delete process.env[KEY_ENV];
  });

  it("OpenAI › calls the tool the model asks for, as a child step, then returns the final answer", async () => {
    provider.reply(
      {
        json: {
          choices: [
            {
              message: {
                role: "assistant",
                content: null,
                tool_calls: [
                  {
                    id: "call_1",
                    type: "function",
                    function: { name: "math_add", arguments: '{"a":2,"b":3}' },
                  },
                ],
              },
              finish_reason: "tool_calls",
            },
          ],
          usage: { prompt_tokens: 10, completion_tokens: 5 },
        },
      },
      {
        json: {
          choices: [{ message: { role: "assistant", content: "2 + 3 = 5" }, finish_reason: "stop" }],
          usage: { prompt_tokens: 20, completion_tokens: 7 },
        },
      },
    );
    const kids = children();
    const live: string[] = [];
    const result = await new AiAssistantRunner().run({
      ...context(assistant(LlmApi.OPENAI_COMPATIBLE, provider.url), kids),
      onOutput: (stream, chunk) => live.push(`${stream}:${chunk.toString()}`),
    });
    expect(result.outputs).toEqual({ text: "2 + 3 = 5", turns: 2, tool_calls: 1 });
    // each request, tool call and answer is a progress line, told to the live log as it happens
    const lines = [
      "turn 1: llm request: model m-1, 1 tools",
      "turn 1: 1 tool calls: math_add (10 input + 5 output tokens)",
      "tool math_add: started",
      "tool math_add: succeeded",
      "turn 2: llm request: model m-1, 1 tools",
      "turn 2: final answer (20 input + 7 output tokens)",
    ];
    expect(live).toEqual(lines.map((line) => `stderr:${line}\n`));
    expect(result.stderr).toBe(lines.map((line) => `${line}\n`).join(""));
    // summed, and per model turn (the tool round, then the answer)
    expect(result.usage).toEqual({
      input_tokens: 30,
      output_tokens: 12,
      model: "m-1",
      rounds: [
        { input_tokens: 10, output_tokens: 5, tool_calls: 1 },
        { input_tokens: 20, output_tokens: 7, tool_calls: 0 },
      ],
    });
    expect(kids.calls).toEqual([{ name: "math_add", mcp: adder, inputs: { a: 2, b: 3 } }]);
    const first = provider.requests[0]!.body as { tools: unknown[]; messages: unknown[] };
    expect(first.tools).toEqual([
      {
        type: "function",
        function: { name: "math_add", description: "Adds a and b.", parameters: adder.inputSchema },
      },
    ]);
    const second = provider.requests[1]!.body as {
      messages: Array<{ role: string; tool_call_id?: string; content?: unknown }>;
    };
    expect(second.messages.at(-1)).toMatchObject({
      role: "tool",
      tool_call_id: "call_1",
      content: '{"sum":5}',
    });
  });

  it("Anthropic › sends the tool result as a tool_result block", async () => {
    provider.reply(
      {
        json: {
          content: [{ type: "tool_use", id: "tu_1", name: "math_add", input: { a: 1, b: 1 } }],
          stop_reason: "tool_use",
          usage: { input_tokens: 3, output_tokens: 2 },
        },
      },
      {
        json: {
          content: [{ type: "text", text: "2" }],
          stop_reason: "end_turn",
          usage: { input_tokens: 4, output_tokens: 1 },
        },
      },
    );
    const result = await new AiAssistantRunner().run(
      context(assistant(LlmApi.ANTHROPIC, provider.url), children()),
    );
    expect(result.outputs["text"]).toBe("2");
    const second = provider.requests[1]!.body as {
      messages: Array<{ role: string; content: Array<{ type: string; tool_use_id?: string }> }>;
    };
    expect(second.messages.at(-1)?.content[0]).toMatchObject({ type: "tool_result", tool_use_id: "tu_1" });
  });

  it("returns a failing tool's error to the model instead of failing the step", async () => {
    provider.reply(
      {
        json: {
          choices: [
            {
              message: {
                role: "assistant",
                content: "",
                tool_calls: [{ id: "c", type: "function", function: { name: "math_add", arguments: "{}" } }],
              },
            },
          ],
          usage: { prompt_tokens: 1, completion_tokens: 1 },
        },
      },
      {
        json: {
          choices: [{ message: { role: "assistant", content: "the adder is broken" } }],
          usage: { prompt_tokens: 1, completion_tokens: 1 },
        },
      },
    );
    const result = await new AiAssistantRunner().run(
      context(assistant(LlmApi.OPENAI_COMPATIBLE, provider.url), children(true)),
    );
    expect(result.outputs["text"]).toBe("the adder is broken");
    const second = provider.requests[1]!.body as { messages: Array<{ role: string; content?: string }> };
    expect(second.messages.at(-1)?.content).toContain("adder broke");
  });

  it("fails with MAX_TURNS when the model keeps calling tools", async () => {
    const toolTurn = {
      json: {
        choices: [
          {
            message: {
              role: "assistant",
              content: "",
              tool_calls: [
                { id: "c", type: "function", function: { name: "math_add", arguments: '{"a":1,"b":1}' } },
              ],
            },
          },
        ],
        usage: { prompt_tokens: 1, completion_tokens: 1 },
      },
    };
    provider.reply(toolTurn, toolTurn);
    const failure = await new AiAssistantRunner()
      .run(context(assistant(LlmApi.OPENAI_COMPATIBLE, provider.url, { maxTurns: 2 }), children()))
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(StepFailure);
    expect((failure as StepFailure).code).toBe("MAX_TURNS");
    // the progress so far stays with the failure, ending with its code
    expect((failure as StepFailure).output.stderr).toMatch(
      /^turn 1: llm request[^]*tool math_add: succeeded\n[^]*failed: MAX_TURNS\n$/,
    );
    expect(provider.requests).toHaveLength(2);
  });

  it("keeps at most memory_size messages of history, always with the task", async () => {
    const toolTurn = (id: string) => ({
      json: {
        choices: [
          {
            message: {
              role: "assistant",
              content: "",
              tool_calls: [
                { id, type: "function", function: { name: "math_add", arguments: '{"a":1,"b":1}' } },
              ],
            },
          },
        ],
        usage: { prompt_tokens: 1, completion_tokens: 1 },
      },
    });
    provider.reply(toolTurn("a"), toolTurn("b"), toolTurn("c"), {
      json: {
        choices: [{ message: { role: "assistant", content: "done" } }],
        usage: { prompt_tokens: 1, completion_tokens: 1 },
      },
    });
    await new AiAssistantRunner().run(
      context(assistant(LlmApi.OPENAI_COMPATIBLE, provider.url, { memorySize: 3 }), children()),
    );
    const last = provider.requests[3]!.body as { messages: Array<{ role: string; content?: unknown }> };
    const nonSystem = last.messages.filter((m) => m.role !== "system");
    expect(nonSystem.length).toBeLessThanOrEqual(3);
    expect(nonSystem[0]).toMatchObject({ role: "user", content: "What is 2 + 3?" });
    expect(nonSystem[1]?.role).toBe("assistant");
  });
});
