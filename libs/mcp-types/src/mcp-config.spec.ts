import { modelOf, validateMcpConfig, withDefaults } from "./index";
import { aiAssistant, config, fields, llmPrompt, mcpTool, pythonScript } from "./testing";

describe("validateMcpConfig", () => {
  it("requires a config, naming config", () => {
    expect(validateMcpConfig(undefined)).toEqual([{ field: "config", description: "is required" }]);
  });

  it("requires a kind, naming the kind oneof", () => {
    expect(fields(validateMcpConfig(config({ case: undefined })))).toEqual(["config.kind"]);
  });

  it("reports every violation at once under the given path", () => {
    const c = llmPrompt();
    c.model = "";
    c.temperature = 3;
    expect(fields(validateMcpConfig(config({ case: "llmPrompt", value: c }), "spec.config"))).toEqual([
      "spec.config.llm_prompt.model",
      "spec.config.llm_prompt.temperature",
    ]);
  });
});

describe("validateMcpConfig › max_concurrency", () => {
  it.each([0, -1, 1_000_001])("refuses max_concurrency %d, naming the field", (max) => {
    const c = config({ case: "pythonScript", value: pythonScript() });
    c.maxConcurrency = max;
    const found = validateMcpConfig(c);
    expect(fields(found)).toEqual(["config.max_concurrency"]);
    expect(found[0]?.description).toContain("must be 1..1000000");
  });

  it("accepts 1 and unset, and withDefaults keeps the limit", () => {
    const c = config({ case: "pythonScript", value: pythonScript() });
    expect(validateMcpConfig(c)).toEqual([]);
    c.maxConcurrency = 1;
    expect(validateMcpConfig(c)).toEqual([]);
    expect(withDefaults(c).maxConcurrency).toBe(1);
  });
});

describe("withDefaults", () => {
  it("returns a new message and leaves a config without kind empty", () => {
    const input = config({ case: "mcpTool", value: mcpTool() });
    const out = withDefaults(input);
    expect(out).not.toBe(input);
    expect(out.kind.value).not.toBe(input.kind.value);
    expect(input.kind.case === "mcpTool" && input.kind.value.timeoutSeconds).toBeUndefined();
    expect(withDefaults(config({ case: undefined })).kind.case).toBeUndefined();
  });
});

describe("modelOf", () => {
  it("returns the model of llm_prompt and ai_assistant configs", () => {
    expect(modelOf(config({ case: "llmPrompt", value: llmPrompt() }))).toBe("gpt-4o-mini");
    expect(modelOf(config({ case: "aiAssistant", value: aiAssistant() }))).toBe("claude-sonnet");
  });

  it("returns undefined for types without a model or an empty model", () => {
    expect(modelOf(config({ case: "pythonScript", value: pythonScript() }))).toBeUndefined();
    expect(
      modelOf(config({ case: "llmPrompt", value: Object.assign(llmPrompt(), { model: "" }) })),
    ).toBeUndefined();
    expect(modelOf(config({ case: undefined }))).toBeUndefined();
  });
});
