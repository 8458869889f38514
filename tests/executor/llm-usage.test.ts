import { RunStatus } from "@mcp/proto/executor";
import { LlmApi } from "@mcp/proto/registry";
import { FakeModel, openAiText, openAiToolCall, type ModelRequest } from "../support/fake-llm";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { parsePrometheus, sample } from "../support/prometheus";
import { output, spec, step, str } from "../support/run-specs";
import { CONCAT_SCRIPT, scriptConfig } from "../support/scripts";

const KEY_ENV = "E2E_USAGE_KEY";
const PRICES = { currency: "USD", models: { "gpt-priced": { input: "2.50", output: "10" } } };

describe("LLM usage and cost", () => {
  let p: TestPlatform;
  let model: FakeModel;
  const mcps = {
    concat: uniqueName("concat"),
    summary: uniqueName("summary"),
    assistant: uniqueName("assistant"),
    unpriced: uniqueName("unpriced"),
  };
  const provider = () => ({ api: LlmApi.OPENAI_COMPATIBLE, baseUrl: `${model.url}/v1`, apiKeyEnv: KEY_ENV });

  beforeAll(async () => {
    process.env[KEY_ENV] = "sk-usage";
    // prompts: a text answer (11 in, 7 out); the assistant: one tool call (13 in, 9 out), then a text answer
    model = await FakeModel.start((req: ModelRequest) => {
      const messages = req.body["messages"] as Array<{ role: string }>;
      if (req.body["tools"] && !messages.some((m) => m.role === "tool"))
        return openAiToolCall("call_1", mcps.concat.replace(/[^A-Za-z0-9_-]/g, "_"), {
          prefix: "a",
          text: "b",
        });
      return openAiText("done");
    });
    p = await startPlatform({ executorEnv: { LLM_PRICES: JSON.stringify(PRICES) } });
    await p.clients.registry.createMcp({
      name: mcps.concat,
      config: scriptConfig(CONCAT_SCRIPT),
      inputSchema: { type: "object", properties: { prefix: { type: "string" }, text: { type: "string" } } },
    });
    const prompt = (name: string, modelName: string) =>
      p.clients.registry.createMcp({
        name,
        config: {
          kind: {
            case: "llmPrompt",
            value: { template: "Say {{text}}", model: modelName, provider: provider() },
          },
        },
      });
    await prompt(mcps.summary, "gpt-priced");
    await prompt(mcps.unpriced, "gpt-unpriced");
    await p.clients.registry.createMcp({
      name: mcps.assistant,
      config: {
        kind: {
          case: "aiAssistant",
          value: {
            systemPrompt: "Use the tool.",
            model: "gpt-priced",
            maxTurns: 4,
            tools: [{ mcp: { case: "name", value: mcps.concat } }],
            provider: provider(),
          },
        },
      },
    });
  });
  afterAll(async () => {
    await p.stop();
    await model.close();
    delete process.env[KEY_ENV];
  });

  it("records tokens per step (and per tool round), prices them by model, sums them on the run and counts them", async () => {
    const name = uniqueName("usage");
    await p.clients.workflows.createWorkflow({
      name,
      spec: spec([
        step("summarise", mcps.summary, { inputs: { text: str("hi") } }),
        step("assist", mcps.assistant, {
          dependsOn: ["summarise"],
          inputs: { message: output("summarise", "text") },
        }),
        step("other", mcps.unpriced, { dependsOn: ["assist"], inputs: { text: str("x") } }),
      ]),
    });
    const res = await p.clients.executor.executeWorkflow({
      workflow: { workflow: { case: "name", value: name } },
      wait: true,
      waitTimeoutSeconds: 150,
    });
    expect(res.run?.status).toBe(RunStatus.SUCCEEDED);
    const run = (await p.clients.executor.getRun({ id: res.run!.id })).run!;
    const usage = (stepId: string) => run.steps.find((s) => s.stepId === stepId)?.llmUsage;

    // 11 in × 2.50 + 7 out × 10 per million tokens = 0.0000975 USD, exactly
    expect(usage("summarise")).toMatchObject({
      model: "gpt-priced",
      inputTokens: 11n,
      outputTokens: 7n,
      cost: { amount: "0.0000975", currency: "USD" },
      rounds: [],
    });
    // two model turns: the tool round, then the answer; 24 × 2.50 + 16 × 10 per million = 0.00022
    expect(usage("assist")).toMatchObject({
      inputTokens: 24n,
      outputTokens: 16n,
      cost: { amount: "0.00022", currency: "USD" },
      rounds: [
        { round: 1, inputTokens: 13n, outputTokens: 9n, toolCalls: 1 },
        { round: 2, inputTokens: 11n, outputTokens: 7n, toolCalls: 0 },
      ],
    });
    // a model without a price: tokens, no cost
    expect(usage("other")).toMatchObject({ model: "gpt-unpriced", inputTokens: 11n, outputTokens: 7n });
    expect(usage("other")?.cost).toBeUndefined();
    // the tool call (a python_script child step) used no model
    expect(run.steps.find((s) => s.parentStepId === "assist")?.llmUsage).toBeUndefined();

    expect(run.llmInputTokens).toBe(46n);
    expect(run.llmOutputTokens).toBe(30n);
    expect(run.llmCost).toMatchObject({ amount: "0.0003175", currency: "USD" });
    expect(run.llmUnpricedModels).toEqual(["gpt-unpriced"]);

    const res2 = await fetch(`${p.executors[0]!.server.url}/metrics`);
    const samples = parsePrometheus(await res2.text());
    expect(
      sample(samples, "mcp_llm_tokens_total", { mcp: mcps.summary, model: "gpt-priced", direction: "input" }),
    ).toBe(11);
    expect(
      sample(samples, "mcp_llm_tokens_total", {
        mcp: mcps.assistant,
        model: "gpt-priced",
        direction: "output",
      }),
    ).toBe(16);
    expect(
      sample(samples, "mcp_llm_tokens_total", {
        mcp: mcps.unpriced,
        model: "gpt-unpriced",
        direction: "input",
      }),
    ).toBe(11);
    expect(
      sample(samples, "mcp_llm_cost_total", { mcp: mcps.assistant, model: "gpt-priced", currency: "USD" }),
    ).toBeCloseTo(0.00022, 9);
  });
});
