import { toJsonString } from "@bufbuild/protobuf";
import { RunStatus, StepStatus, WorkflowRunSchema } from "@mcp/proto/executor";
import { Client } from "pg";
import { LlmApi } from "@mcp/proto/registry";
import { uniqueName } from "../support/mcps";
import { FakeModel, openAiText, openAiToolCall, type ModelRequest } from "../support/fake-llm";
import { startPlatform, type TestPlatform } from "../support/platform";
import { CONCAT_SCRIPT, scriptConfig } from "../support/scripts";

const KEY_ENV = "E2E_ASSISTANT_KEY";

describe("ai_assistant through the executor", () => {
  let p: TestPlatform;
  let model: FakeModel;
  const concat = uniqueName("concat");
  const assistant = uniqueName("assistant");

  beforeAll(async () => {
    process.env[KEY_ENV] = "sk-e2e-secret";
    // The model asks for the tool once, then answers with what the tool returned.
    model = await FakeModel.start((req: ModelRequest) => {
      const messages = req.body["messages"] as Array<{ role: string; content?: string }>;
      const toolResult = messages.find((m) => m.role === "tool");
      if (!toolResult)
        return openAiToolCall("call_1", concat.replace(/[^A-Za-z0-9_-]/g, "_"), {
          prefix: "Hello, ",
          text: "Ada",
        });
      return openAiText(
        `The tool said: ${(JSON.parse(toolResult.content ?? "{}") as { result: string }).result}`,
      );
    });
    p = await startPlatform();
    await p.clients.registry.createMcp({
      name: concat,
      description: "Joins prefix and text.",
      config: scriptConfig(CONCAT_SCRIPT),
      inputSchema: {
        type: "object",
        properties: { prefix: { type: "string" }, text: { type: "string" } },
        required: ["prefix", "text"],
      },
    });
    await p.clients.registry.createMcp({
      name: assistant,
      config: {
        kind: {
          case: "aiAssistant",
          value: {
            systemPrompt: "Greet people using the tool.",
            model: "gpt-test",
            temperature: 0,
            maxTokens: 100,
            maxTurns: 4,
            tools: [{ mcp: { case: "name", value: concat } }],
            provider: { api: LlmApi.OPENAI_COMPATIBLE, baseUrl: `${model.url}/v1`, apiKeyEnv: KEY_ENV },
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

  it("calls a python_script MCP as a tool, records it as a child step, and returns the model's answer", async () => {
    const res = await p.clients.executor.runMcp({
      mcp: { mcp: { case: "name", value: assistant } },
      inputs: { message: "Greet Ada" },
      wait: true,
    });
    const run = res.run!;
    expect(run.status).toBe(RunStatus.SUCCEEDED);
    expect(run.outputs).toEqual({ text: "The tool said: Hello, Ada", turns: 2, tool_calls: 1 });
    // token usage of both model turns is recorded on the step run
    expect(run.steps.find((s) => s.stepId === "mcp")?.usage).toEqual({
      input_tokens: 24,
      output_tokens: 16,
      model: "gpt-test",
      rounds: [
        { input_tokens: 13, output_tokens: 9, tool_calls: 1 },
        { input_tokens: 11, output_tokens: 7, tool_calls: 0 },
      ],
    });
    const child = run.steps.find((s) => s.parentStepId === "mcp");
    expect(child).toMatchObject({
      stepId: `mcp#1/1:${concat}`,
      status: StepStatus.SUCCEEDED,
      mcpName: concat,
      inputs: { prefix: "Hello, ", text: "Ada" },
      outputs: { result: "Hello, Ada" },
    });
    // the real wire format went out: the key from the env var, the tool from the MCP's input schema
    expect(model.requests).toHaveLength(2);
    expect(model.requests[0]?.path).toBe("/v1/chat/completions");
    expect(model.requests[0]?.headers.authorization).toBe("Bearer sk-e2e-secret");
    expect(model.requests[0]?.body["tools"]).toEqual([
      {
        type: "function",
        function: {
          name: concat,
          description: "Joins prefix and text.",
          parameters: {
            type: "object",
            properties: { prefix: { type: "string" }, text: { type: "string" } },
            required: ["prefix", "text"],
          },
        },
      },
    ]);
    // the key is never returned nor stored with the run
    expect(toJsonString(WorkflowRunSchema, run)).not.toContain("sk-e2e-secret");
    const pg = new Client({ connectionString: p.db.url });
    await pg.connect();
    try {
      const rows = await pg.query<{ dump: string }>(
        "SELECT (SELECT row_to_json(r)::text FROM workflow_runs r WHERE id = $1) || (SELECT json_agg(s)::text FROM step_runs s WHERE run_id = $1) AS dump",
        [run.id],
      );
      expect(rows.rows[0]?.dump).toContain(concat);
      expect(rows.rows[0]?.dump).not.toContain("sk-e2e-secret");
    } finally {
      await pg.end();
    }
  });
});
