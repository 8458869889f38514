import { createRequire } from "node:module";
import { RunStatus, StepStatus } from "@mcp/proto/executor";
import { LlmApi } from "@mcp/proto/registry";
import { ExecutionMode } from "@mcp/proto/workflows";
import { FakeModel, openAiText, openAiToolCall, type ModelRequest } from "../support/fake-llm";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { input, output, spec, step, str } from "../support/run-specs";
import { CONCAT_SCRIPT, scriptConfig } from "../support/scripts";

const KEY_ENV = "E2E_ALL_TYPES_KEY";
const SERVER_EVERYTHING = createRequire(__filename).resolve(
  "@modelcontextprotocol/server-everything/dist/index.js",
);

/** A notebook: a `parameters` cell, then a cell computing y from x. */
const NOTEBOOK = JSON.stringify({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    { cell_type: "markdown", metadata: {}, source: ["# Doubling"] },
    {
      cell_type: "code",
      metadata: { tags: ["parameters"] },
      source: ["x = 1"],
      outputs: [],
      execution_count: null,
    },
    {
      cell_type: "code",
      metadata: {},
      source: ["y = x * 2\n", "print('y is', y)"],
      outputs: [],
      execution_count: null,
    },
  ],
});

describe("one workflow chaining all five MCP types", () => {
  let p: TestPlatform;
  let model: FakeModel;
  const names = {
    nb: uniqueName("double"),
    py: uniqueName("concat"),
    tool: uniqueName("echo-tool"),
    llm: uniqueName("summarise"),
    assistant: uniqueName("assistant"),
  };

  beforeAll(async () => {
    process.env[KEY_ENV] = "sk-all-types";
    model = await FakeModel.start((req: ModelRequest) => {
      const messages = req.body["messages"] as Array<{ role: string; content?: string }>;
      if (!req.body["tools"]) return openAiText(`SUMMARY(${messages.at(-1)?.content ?? ""})`);
      const result = messages.find((m) => m.role === "tool");
      if (!result)
        return openAiToolCall("call_1", names.py.replace(/[^A-Za-z0-9_-]/g, "_"), {
          prefix: "Re: ",
          text: "done",
        });
      return openAiText(`ASSISTANT(${result.content ?? ""})`);
    });
    p = await startPlatform();
    const provider = { api: LlmApi.OPENAI_COMPATIBLE, baseUrl: `${model.url}/v1`, apiKeyEnv: KEY_ENV };
    const r = p.clients.registry;
    await r.createMcp({
      name: names.nb,
      config: {
        kind: {
          case: "jupyterNotebook",
          value: { source: { case: "notebookContent", value: NOTEBOOK }, outputVariables: ["y"] },
        },
      },
    });
    await r.createMcp({ name: names.py, config: scriptConfig(CONCAT_SCRIPT) });
    await r.createMcp({
      name: names.tool,
      config: {
        kind: {
          case: "mcpTool",
          value: {
            transport: {
              case: "stdio",
              value: { command: process.execPath, args: [SERVER_EVERYTHING, "stdio"] },
            },
            toolName: "echo",
          },
        },
      },
    });
    await r.createMcp({
      name: names.llm,
      config: {
        kind: {
          case: "llmPrompt",
          value: {
            template: "Summarise {{text}} and {{y}}",
            model: "gpt-test",
            temperature: 0.1,
            maxTokens: 64,
            provider,
          },
        },
      },
    });
    await r.createMcp({
      name: names.assistant,
      config: {
        kind: {
          case: "aiAssistant",
          value: {
            systemPrompt: "Use the tool.",
            model: "gpt-test",
            maxTurns: 3,
            tools: [{ mcp: { case: "name", value: names.py } }],
            provider,
          },
        },
      },
    });
  }, 180_000);
  afterAll(async () => {
    await p.stop();
    await model.close();
    delete process.env[KEY_ENV];
  });

  it("runs notebook, script, MCP tool, prompt and assistant steps to SUCCEEDED, each feeding the next", async () => {
    const workflow = uniqueName("five");
    await p.clients.workflows.createWorkflow({
      name: workflow,
      spec: spec(
        [
          step("nb", names.nb, { inputs: { x: input("x") } }),
          step("py", names.py, { inputs: { prefix: str("Hello, "), text: input("name") } }),
          step("tool", names.tool, { dependsOn: ["py"], inputs: { message: output("py", "result") } }),
          step("llm", names.llm, {
            dependsOn: ["tool", "nb"],
            inputs: { text: output("tool", "text"), y: output("nb", "y") },
          }),
          step("assistant", names.assistant, {
            dependsOn: ["llm"],
            inputs: { message: output("llm", "text") },
          }),
        ],
        {
          executionMode: ExecutionMode.PARALLEL,
          inputs: [
            { name: "name", required: true },
            { name: "x", required: true },
          ],
          outputs: [
            { name: "answer", stepId: "assistant", output: "text" },
            { name: "doubled", stepId: "nb", output: "y" },
          ],
        },
      ),
    });
    const { run } = await p.clients.executor.executeWorkflow({
      workflow: { workflow: { case: "name", value: workflow } },
      inputs: { name: "Ada", x: 21 },
      wait: true,
      waitTimeoutSeconds: 120,
    });
    const failed = run!.steps
      .filter((s) => s.status !== StepStatus.SUCCEEDED)
      .map((s) => `${s.stepId}: ${s.error?.code} ${s.error?.message}`);
    expect(failed).toEqual([]);
    expect(run!.status).toBe(RunStatus.SUCCEEDED);
    const out = Object.fromEntries(run!.steps.map((s) => [s.stepId, s.outputs]));
    expect(out["nb"]?.["y"]).toBe(42);
    expect(out["py"]).toEqual({ result: "Hello, Ada" });
    expect(out["tool"]?.["text"]).toBe("Echo: Hello, Ada");
    expect(out["llm"]).toEqual({ text: "SUMMARY(Summarise Echo: Hello, Ada and 42)" });
    expect(run!.outputs).toEqual({ answer: 'ASSISTANT({"result":"Re: done"})', doubled: 42 });
    // the assistant's tool call is a child step of it
    expect(run!.steps.find((s) => s.parentStepId === "assistant")).toMatchObject({
      mcpName: names.py,
      status: StepStatus.SUCCEEDED,
      outputs: { result: "Re: done" },
    });
    // the exact request the llm_prompt step sent
    const prompt = model.requests.find((r) => !r.body["tools"])!;
    expect(prompt.body).toEqual({
      model: "gpt-test",
      messages: [{ role: "user", content: "Summarise Echo: Hello, Ada and 42" }],
      temperature: 0.1,
      max_tokens: 64,
    });
  }, 240_000);
});
