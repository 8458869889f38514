import { create } from "@bufbuild/protobuf";
import { LlmApi, McpReferenceSchema, type AiAssistantConfig, type McpReference } from "@mcp/proto/registry";
import { validateMcpConfig, withDefaults } from "../index";
import { aiAssistant, config, fields } from "../testing";

/** Field paths of the violations of the example ai_assistant config after `change`. */
function violationsAfter(change: (c: AiAssistantConfig) => void): string[] {
  const c = aiAssistant();
  change(c);
  return fields(validateMcpConfig(config({ case: "aiAssistant", value: c })));
}

/** A tool reference by name. */
const byName = (name: string): McpReference =>
  create(McpReferenceSchema, { mcp: { case: "name", value: name } });

describe("validateMcpConfig (ai_assistant)", () => {
  it("accepts a complete config", () => {
    expect(violationsAfter(() => {})).toEqual([]);
  });

  it("requires a system_prompt, a model and a provider", () => {
    const paths = violationsAfter((c) => {
      c.systemPrompt = "";
      c.model = "";
      c.provider = undefined;
    });
    expect(paths).toEqual([
      "config.ai_assistant.system_prompt",
      "config.ai_assistant.model",
      "config.ai_assistant.provider",
    ]);
  });

  it("checks temperature, max_tokens and provider like llm_prompt", () => {
    const paths = violationsAfter((c) => {
      c.temperature = 2;
      c.maxTokens = 0;
      c.provider!.baseUrl = "not a url";
    });
    expect(paths).toEqual([
      "config.ai_assistant.temperature",
      "config.ai_assistant.max_tokens",
      "config.ai_assistant.provider.base_url",
    ]);
  });

  it("accepts memory_size 0..1000 and max_turns 1..100 only", () => {
    expect(violationsAfter((c) => ((c.memorySize = 0), (c.maxTurns = 100)))).toEqual([]);
    expect(violationsAfter((c) => ((c.memorySize = 1001), (c.maxTurns = 0)))).toEqual([
      "config.ai_assistant.memory_size",
      "config.ai_assistant.max_turns",
    ]);
    expect(violationsAfter((c) => ((c.memorySize = -1), (c.maxTurns = 101)))).toEqual([
      "config.ai_assistant.memory_size",
      "config.ai_assistant.max_turns",
    ]);
  });

  it("rejects more than 64 tools and accepts 64", () => {
    const tools = (n: number) => Array.from({ length: n }, (_, i) => byName(`tool${i}`));
    expect(violationsAfter((c) => (c.tools = tools(65)))).toEqual(["config.ai_assistant.tools"]);
    expect(violationsAfter((c) => (c.tools = tools(64)))).toEqual([]);
  });

  it("requires each tool to name an MCP by id or name, naming the tool's mcp oneof", () => {
    expect(violationsAfter((c) => (c.tools = [create(McpReferenceSchema, {})]))).toEqual([
      "config.ai_assistant.tools[0].mcp",
    ]);
  });

  it("rejects a malformed tool id, name, version or label", () => {
    const paths = violationsAfter((c) => {
      c.tools = [
        create(McpReferenceSchema, { mcp: { case: "id", value: "not-a-uuid" } }),
        create(McpReferenceSchema, {
          mcp: { case: "name", value: "9lives" },
          selector: { case: "version", value: 0 },
        }),
        create(McpReferenceSchema, {
          mcp: { case: "name", value: "ok" },
          selector: { case: "label", value: "Prod!" },
        }),
      ];
    });
    expect(paths).toEqual([
      "config.ai_assistant.tools[0].id",
      "config.ai_assistant.tools[1].name",
      "config.ai_assistant.tools[1].version",
      "config.ai_assistant.tools[2].label",
    ]);
  });

  it("accepts tools by id, pinned version or the latest label", () => {
    const paths = violationsAfter((c) => {
      c.tools = [
        create(McpReferenceSchema, { mcp: { case: "id", value: "0b7e5a3c-2f1d-4c8e-9a6b-1d2e3f4a5b6c" } }),
        create(McpReferenceSchema, {
          mcp: { case: "name", value: "a" },
          selector: { case: "version", value: 3 },
        }),
        create(McpReferenceSchema, {
          mcp: { case: "name", value: "b" },
          selector: { case: "label", value: "latest" },
        }),
      ];
    });
    expect(paths).toEqual([]);
  });

  it("rejects the same MCP twice, comparing names case-insensitively", () => {
    expect(violationsAfter((c) => (c.tools = [byName("Search"), byName("other"), byName("search")]))).toEqual(
      ["config.ai_assistant.tools[2]"],
    );
  });
});

describe("withDefaults (ai_assistant)", () => {
  it("fills temperature 0.7, max_tokens 1024, memory_size 20, max_turns 10 and keeps the given api", () => {
    const out = withDefaults(config({ case: "aiAssistant", value: aiAssistant() })).kind
      .value as AiAssistantConfig;
    expect([out.temperature, out.maxTokens, out.memorySize, out.maxTurns]).toEqual([0.7, 1024, 20, 10]);
    expect(out.provider?.api).toBe(LlmApi.ANTHROPIC);
  });

  it("keeps given values, including a memory_size of 0", () => {
    const given = Object.assign(aiAssistant(), {
      temperature: 0.1,
      maxTokens: 9,
      memorySize: 0,
      maxTurns: 3,
    });
    const out = withDefaults(config({ case: "aiAssistant", value: given })).kind.value as AiAssistantConfig;
    expect([out.temperature, out.maxTokens, out.memorySize, out.maxTurns]).toEqual([0.1, 9, 0, 3]);
  });
});
