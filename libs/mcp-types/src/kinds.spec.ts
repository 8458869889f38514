import { McpType } from "@mcp/proto/registry";
import { configOf, kindFieldName, mcpTypeOf, positiveOr } from "./index";
import { aiAssistant, config, jupyterNotebook, llmPrompt, mcpTool, pythonScript } from "./testing";

describe("mcpTypeOf", () => {
  it("maps each config kind to its type", () => {
    expect(mcpTypeOf(config({ case: "llmPrompt", value: llmPrompt() }))).toBe(McpType.LLM_PROMPT);
    expect(mcpTypeOf(config({ case: "pythonScript", value: pythonScript() }))).toBe(McpType.PYTHON_SCRIPT);
    expect(mcpTypeOf(config({ case: "jupyterNotebook", value: jupyterNotebook() }))).toBe(
      McpType.JUPYTER_NOTEBOOK,
    );
    expect(mcpTypeOf(config({ case: "aiAssistant", value: aiAssistant() }))).toBe(McpType.AI_ASSISTANT);
    expect(mcpTypeOf(config({ case: "mcpTool", value: mcpTool() }))).toBe(McpType.MCP_TOOL);
  });

  it("returns UNSPECIFIED when no kind is set", () => {
    expect(mcpTypeOf(config({ case: undefined }))).toBe(McpType.UNSPECIFIED);
  });
});

describe("kindFieldName", () => {
  it("returns the proto field name of each kind", () => {
    expect(kindFieldName("llmPrompt")).toBe("llm_prompt");
    expect(kindFieldName("pythonScript")).toBe("python_script");
    expect(kindFieldName("jupyterNotebook")).toBe("jupyter_notebook");
    expect(kindFieldName("aiAssistant")).toBe("ai_assistant");
    expect(kindFieldName("mcpTool")).toBe("mcp_tool");
  });
});

describe("configOf", () => {
  it("returns the config of the kind asked for", () => {
    const prompt = llmPrompt();
    expect(configOf({ config: config({ case: "llmPrompt", value: prompt }) }, "llmPrompt")).toBe(prompt);
  });

  it("returns undefined for a config of another kind, without a kind, or none", () => {
    expect(configOf({ config: config({ case: "mcpTool", value: mcpTool() }) }, "llmPrompt")).toBeUndefined();
    expect(configOf({ config: config({ case: undefined }) }, "pythonScript")).toBeUndefined();
    expect(configOf({}, "aiAssistant")).toBeUndefined();
  });
});

describe("positiveOr", () => {
  it("keeps a value above 0", () => {
    expect(positiveOr(5, 60)).toBe(5);
    expect(positiveOr(0.5, 60)).toBe(0.5);
  });

  it("falls back for an unset, zero or negative value", () => {
    expect(positiveOr(undefined, 60)).toBe(60);
    expect(positiveOr(0, 60)).toBe(60);
    expect(positiveOr(-1, 60)).toBe(60);
  });
});
