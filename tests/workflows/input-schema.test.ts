import { Code } from "@connectrpc/connect";
import { reasonOf } from "@mcp/runtime";
import { expectCode } from "../support/errors";
import { startMcpHttpServer, type McpHttpServer } from "../support/mcp-http-server";
import { newPythonMcp, uniqueName } from "../support/mcps";
import { input, spec, step, str } from "../support/run-specs";
import { startTestPlatform, type TestPlatform } from "../support/workflows";

describe("workflow steps checked against their MCP's input schema", () => {
  let p: TestPlatform;
  let tools: McpHttpServer;
  const strict = uniqueName("strict");
  const adder = uniqueName("adder");

  beforeAll(async () => {
    tools = await startMcpHttpServer();
    p = await startTestPlatform();
    await p.registry.client.createMcp({
      ...newPythonMcp(strict),
      inputSchema: {
        type: "object",
        properties: { text: { type: "string" }, times: { type: "number" } },
        required: ["text"],
        additionalProperties: false,
      },
    });
    // an mcp_tool over Streamable HTTP: the registry stores the server's own tool list and schemas
    await p.registry.client.createMcp({
      name: adder,
      config: {
        kind: {
          case: "mcpTool",
          value: { transport: { case: "http", value: { url: tools.url } }, toolName: "add" },
        },
      },
    });
  });
  afterAll(async () => {
    await p.stop();
    await tools.close();
  });

  it("accepts a step that maps every required input and nothing unknown", async () => {
    const res = await p.client.createWorkflow({
      name: uniqueName("ok"),
      spec: spec([step("s", strict, { inputs: { text: str("hi") } })]),
    });
    expect(res.workflow?.latestVersion).toBe(1);
  });

  it("returns FAILED_PRECONDITION naming a required input the step does not map, and an input the MCP does not take", async () => {
    const err = await expectCode(
      p.client.createWorkflow({
        name: uniqueName("bad"),
        spec: spec([step("s", strict, { inputs: { colour: str("red") } })]),
      }),
      Code.FailedPrecondition,
    );
    expect(err.rawMessage).toContain('requires input "text"');
    expect(err.rawMessage).toContain('takes no input "colour"');
    expect(reasonOf(err)).toBe("UNRESOLVED_REFERENCES");
  });

  it("puts each violation at the input it is about: the missing one, and the unknown one", async () => {
    const report = await p.client.validateWorkflow({
      target: {
        case: "spec",
        value: spec([
          step("ok", strict, { inputs: { text: str("hi") } }),
          step("also", strict, { inputs: { text: str("hi") } }),
          step("bad", strict, { inputs: { colour: str("red") } }),
        ]),
      },
    });
    expect(report.violations.map((v) => [v.field, v.code])).toEqual([
      ['spec.steps[2].inputs["colour"]', "UNKNOWN_MCP_INPUT"],
      ['spec.steps[2].inputs["text"]', "MISSING_MCP_INPUT"],
    ]);
  });

  it("checks an mcp_tool step against the tool's real input schema from the server's snapshot", async () => {
    const report = await p.client.validateWorkflow({
      target: {
        case: "spec",
        value: spec([step("sum", adder, { inputs: { a: input("a") } })], { inputs: [{ name: "a" }] }),
      },
    });
    expect(report.violations.map((v) => [v.field, v.code])).toEqual([
      ['spec.steps[0].inputs["b"]', "MISSING_MCP_INPUT"],
    ]);
    expect(report.violations[0]?.description).toContain('requires input "b"');
    const good = await p.client.validateWorkflow({
      target: {
        case: "spec",
        value: spec([step("sum", adder, { inputs: { a: input("a"), b: input("a") } })], {
          inputs: [{ name: "a" }],
        }),
      },
    });
    expect(good.valid).toBe(true);
  });
});
