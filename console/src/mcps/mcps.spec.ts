import { create } from "@bufbuild/protobuf";
import { McpConfigSchema, McpType, McpVersionSchema, NetworkAccess } from "@mcp/proto/registry";
import { describe, expect, it } from "vitest";
import { DefinitionError } from "../forms/parse-definition";
import { CONFIG_TEMPLATES } from "./config-templates";
import { buildCreateMcpRequest, splitTags, type NewMcpForm } from "./create-request";
import { declaredInputs, templateVariables } from "./input-fields";
import { networkName, secretsOf } from "./sandbox";

const form: NewMcpForm = {
  name: "echo",
  type: McpType.PYTHON_SCRIPT,
  description: "Echoes",
  tags: "demo, text",
  config: "timeoutSeconds: 30\nscriptContent: print(1)\n",
  inputSchema: '{"type": "object", "properties": {"text": {"type": "string"}}}',
  changeNote: "first",
};

describe("buildCreateMcpRequest", () => {
  it("wraps a bare YAML config in the chosen type and parses the input schema", () => {
    const req = buildCreateMcpRequest(form);
    expect(req.name).toBe("echo");
    expect(req.tags).toEqual(["demo", "text"]);
    expect(req.config?.kind).toEqual({
      case: "pythonScript",
      value: expect.objectContaining({
        timeoutSeconds: 30,
        source: { case: "scriptContent", value: "print(1)" },
      }) as unknown,
    });
    expect(req.inputSchema).toEqual({ type: "object", properties: { text: { type: "string" } } });
  });

  it("accepts a config already wrapped in its kind, in either spelling", () => {
    const req = buildCreateMcpRequest({
      ...form,
      config: "python_script:\n  scriptContent: x\n",
      inputSchema: "",
    });
    expect(req.config?.kind.case).toBe("pythonScript");
    expect(req.inputSchema).toBeUndefined();
  });

  it("refuses a config of another type, YAML that does not parse, and unknown fields", () => {
    expect(() => buildCreateMcpRequest({ ...form, config: "llmPrompt: {model: x}" })).toThrow(
      /llmPrompt config, but the type is python_script/,
    );
    expect(() => buildCreateMcpRequest({ ...form, config: "a: [" })).toThrow(DefinitionError);
    expect(() => buildCreateMcpRequest({ ...form, config: "scriptContnet: x" })).toThrow(
      /Config: .*scriptContnet/,
    );
  });
});

describe("buildCreateMcpRequest › network and secrets", () => {
  it("takes them, in either spelling, from beside a bare config's fields for the whole config", () => {
    const req = buildCreateMcpRequest({
      ...form,
      config: "network: NETWORK_ACCESS_EGRESS\nsecrets: [GITHUB_TOKEN]\nscriptContent: x\n",
    });
    expect(req.config?.network).toBe(NetworkAccess.EGRESS);
    expect(req.config?.secrets).toEqual(["GITHUB_TOKEN"]);
    expect(req.config?.kind).toMatchObject({ case: "pythonScript", value: { source: { value: "x" } } });
  });

  it("accepts them beside a wrapped config, and alone", () => {
    const wrapped = buildCreateMcpRequest({
      ...form,
      config: "python_script: {scriptContent: x}\nnetwork: NETWORK_ACCESS_NONE\n",
    });
    expect(wrapped.config?.kind.case).toBe("pythonScript");
    expect(wrapped.config?.network).toBe(NetworkAccess.NONE);
    const alone = buildCreateMcpRequest({ ...form, config: "secrets: [A, B]" });
    expect(alone.config?.kind.case).toBe("pythonScript");
    expect(alone.config?.secrets).toEqual(["A", "B"]);
  });

  it("every type's starter config builds a request (its comments are YAML comments)", () => {
    for (const type of [
      McpType.PYTHON_SCRIPT,
      McpType.LLM_PROMPT,
      McpType.JUPYTER_NOTEBOOK,
      McpType.AI_ASSISTANT,
      McpType.MCP_TOOL,
    ]) {
      const req = buildCreateMcpRequest({ ...form, type, config: CONFIG_TEMPLATES[type] });
      expect(req.config?.network).toBe(NetworkAccess.UNSPECIFIED);
      expect(req.config?.secrets).toEqual([]);
    }
    const llm = buildCreateMcpRequest({
      ...form,
      type: McpType.LLM_PROMPT,
      config: CONFIG_TEMPLATES[McpType.LLM_PROMPT],
    });
    expect(llm.config?.kind).toMatchObject({ value: { provider: { apiKeyEnv: "OPENAI_API_KEY" } } });
  });
});

describe("networkName and secretsOf", () => {
  it("read unset network as none", () => {
    expect(networkName(undefined)).toBe("none");
    expect(networkName(NetworkAccess.UNSPECIFIED)).toBe("none");
    expect(networkName(NetworkAccess.NONE)).toBe("none");
    expect(networkName(NetworkAccess.EGRESS)).toBe("egress");
  });

  it("list the config's secrets, then an LLM provider's key secret", () => {
    expect(secretsOf(undefined)).toEqual([]);
    expect(
      secretsOf(create(McpConfigSchema, { secrets: ["A", "B"], kind: { case: "pythonScript", value: {} } })),
    ).toEqual([
      { name: "A", as: "env" },
      { name: "B", as: "env" },
    ]);
    const llm = create(McpConfigSchema, {
      kind: { case: "llmPrompt", value: { provider: { apiKeySecret: "OPENAI_API_KEY" } } },
    });
    expect(secretsOf(llm)).toEqual([{ name: "OPENAI_API_KEY", as: "provider" }]);
  });
});

describe("splitTags", () => {
  it("splits on commas and spaces", () => {
    expect(splitTags(" a, b  c,,")).toEqual(["a", "b", "c"]);
  });
});

describe("declaredInputs", () => {
  it("prefers the input schema", () => {
    const v = create(McpVersionSchema, {
      inputSchema: { type: "object", properties: { q: { type: "string" } }, required: ["q"] },
      config: { kind: { case: "llmPrompt", value: { template: "{{ other }}" } } },
    });
    expect(declaredInputs(v)).toMatchObject({
      source: "input schema",
      fields: [{ name: "q", required: true }],
    });
  });

  it("reads an llm_prompt's variables from its template when none are declared", () => {
    expect(templateVariables("Hi {{ name }}, about {{doc.title}} and {{ name }}")).toEqual(["name", "doc"]);
    const v = create(McpVersionSchema, {
      config: { kind: { case: "llmPrompt", value: { template: "Summarize {{ text }}" } } },
    });
    expect(declaredInputs(v)).toMatchObject({
      source: "template placeholders",
      fields: [{ name: "text", kind: "string", required: true }],
    });
  });

  it("offers a notebook's parameters as optional fields with their defaults", () => {
    const v = create(McpVersionSchema, {
      config: { kind: { case: "jupyterNotebook", value: { parameters: { n: 3, label: "x" } } } },
    });
    expect(declaredInputs(v).fields).toEqual([
      { name: "n", kind: "integer", required: false, defaultValue: 3 },
      { name: "label", kind: "string", required: false, defaultValue: "x" },
    ]);
  });

  it("uses the snapshot schema of an mcp_tool's tool", () => {
    const v = create(McpVersionSchema, {
      config: { kind: { case: "mcpTool", value: { toolName: "add" } } },
      toolSnapshot: {
        tools: [
          { name: "echo", inputSchema: { properties: { message: { type: "string" } } } },
          { name: "add", inputSchema: { properties: { a: { type: "number" } }, required: ["a"] } },
        ],
      },
    });
    expect(declaredInputs(v).fields).toMatchObject([{ name: "a", kind: "number", required: true }]);
  });

  it("declares nothing for a python_script without a schema", () => {
    const v = create(McpVersionSchema, { config: { kind: { case: "pythonScript", value: {} } } });
    expect(declaredInputs(v)).toEqual({ fields: [], source: undefined });
  });
});
