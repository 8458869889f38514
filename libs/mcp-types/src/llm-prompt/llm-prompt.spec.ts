import { LlmApi, type LlmPromptConfig } from "@mcp/proto/registry";
import { validateMcpConfig, withDefaults } from "../index";
import { config, fields, llmPrompt } from "../testing";

/** Field paths of the violations of the example llm_prompt config after `change`. */
function violationsAfter(change: (c: LlmPromptConfig) => void): string[] {
  const c = llmPrompt();
  change(c);
  return fields(validateMcpConfig(config({ case: "llmPrompt", value: c })));
}

describe("validateMcpConfig (llm_prompt)", () => {
  it("accepts a complete config", () => {
    expect(violationsAfter(() => {})).toEqual([]);
  });

  it("requires a template and a model", () => {
    expect(violationsAfter((c) => ((c.template = ""), (c.model = "")))).toEqual([
      "config.llm_prompt.template",
      "config.llm_prompt.model",
    ]);
  });

  it("rejects a template over 100000 characters, counting an emoji once", () => {
    expect(violationsAfter((c) => (c.template = "a".repeat(100_001)))).toEqual([
      "config.llm_prompt.template",
    ]);
    expect(violationsAfter((c) => (c.template = "😀".repeat(100_000)))).toEqual([]);
  });

  it("rejects a temperature above 1 naming config.llm_prompt.temperature", () => {
    expect(violationsAfter((c) => (c.temperature = 1.01))).toEqual(["config.llm_prompt.temperature"]);
  });

  it("rejects a negative or NaN temperature and accepts 0 and 1", () => {
    expect(violationsAfter((c) => (c.temperature = -0.1))).toEqual(["config.llm_prompt.temperature"]);
    expect(violationsAfter((c) => (c.temperature = Number.NaN))).toEqual(["config.llm_prompt.temperature"]);
    expect(violationsAfter((c) => (c.temperature = 0))).toEqual([]);
    expect(violationsAfter((c) => (c.temperature = 1))).toEqual([]);
  });

  it("accepts max_tokens 1..200000 only", () => {
    expect(violationsAfter((c) => (c.maxTokens = 0))).toEqual(["config.llm_prompt.max_tokens"]);
    expect(violationsAfter((c) => (c.maxTokens = 200_001))).toEqual(["config.llm_prompt.max_tokens"]);
    expect(violationsAfter((c) => (c.maxTokens = 200_000))).toEqual([]);
  });

  it("accepts a timeout of 1..600 seconds only", () => {
    expect(violationsAfter((c) => (c.timeoutSeconds = 0))).toEqual(["config.llm_prompt.timeout_seconds"]);
    expect(violationsAfter((c) => (c.timeoutSeconds = 601))).toEqual(["config.llm_prompt.timeout_seconds"]);
    expect(violationsAfter((c) => (c.timeoutSeconds = 600))).toEqual([]);
  });

  it("requires a provider", () => {
    expect(violationsAfter((c) => (c.provider = undefined))).toEqual(["config.llm_prompt.provider"]);
  });

  it("names each bad provider field", () => {
    const paths = violationsAfter((c) => {
      c.provider!.api = 7 as LlmApi;
      c.provider!.baseUrl = "ftp://models.example.com";
      c.provider!.apiKeyEnv = "sk-live-123";
    });
    expect(paths).toEqual([
      "config.llm_prompt.provider.api",
      "config.llm_prompt.provider.base_url",
      "config.llm_prompt.provider.api_key_env",
    ]);
  });

  it("requires the provider's base_url and api_key_env", () => {
    const paths = violationsAfter((c) => ((c.provider!.baseUrl = ""), (c.provider!.apiKeyEnv = "")));
    expect(paths).toEqual(["config.llm_prompt.provider.base_url", "config.llm_prompt.provider.api_key_env"]);
  });

  it("accepts an http base_url, an unspecified api and an api_key_env with digits", () => {
    const paths = violationsAfter((c) => {
      c.provider!.api = LlmApi.UNSPECIFIED;
      c.provider!.baseUrl = "http://127.0.0.1:11434/v1";
      c.provider!.apiKeyEnv = "_LLM_KEY_2";
    });
    expect(paths).toEqual([]);
  });

  it("rejects a lower-case api_key_env", () => {
    expect(violationsAfter((c) => (c.provider!.apiKeyEnv = "openai_key"))).toEqual([
      "config.llm_prompt.provider.api_key_env",
    ]);
  });

  it("rejects input_variables that are not identifiers or are repeated", () => {
    const paths = violationsAfter((c) => {
      c.template = "{{text}}";
      c.inputVariables = ["text", "1st", "", "text"];
    });
    expect(paths).toEqual([
      "config.llm_prompt.input_variables[1]",
      "config.llm_prompt.input_variables[2]",
      "config.llm_prompt.input_variables[3]",
    ]);
  });

  it("rejects a placeholder missing from input_variables, naming the template", () => {
    const violations = validateMcpConfig(
      config({ case: "llmPrompt", value: Object.assign(llmPrompt(), { inputVariables: ["text"] }) }),
    );
    expect(violations).toEqual([
      { field: "config.llm_prompt.template", description: "uses {{user}}, which is not in input_variables" },
    ]);
  });

  it("accepts placeholders that are all declared, and any placeholders when none are declared", () => {
    expect(violationsAfter((c) => (c.inputVariables = ["text", "user", "unused"]))).toEqual([]);
    expect(violationsAfter((c) => (c.inputVariables = []))).toEqual([]);
  });
});

describe("withDefaults (llm_prompt)", () => {
  it("fills temperature 0.7, max_tokens 1024, timeout 120 and an OpenAI-compatible api", () => {
    const c = llmPrompt();
    c.provider!.api = LlmApi.UNSPECIFIED;
    const out = withDefaults(config({ case: "llmPrompt", value: c }));
    expect(out.kind.case).toBe("llmPrompt");
    const value = out.kind.value as LlmPromptConfig;
    expect([value.temperature, value.maxTokens, value.timeoutSeconds]).toEqual([0.7, 1024, 120]);
    expect(value.provider?.api).toBe(LlmApi.OPENAI_COMPATIBLE);
  });

  it("leaves the input config unchanged", () => {
    const c = llmPrompt();
    c.provider!.api = LlmApi.UNSPECIFIED;
    withDefaults(config({ case: "llmPrompt", value: c }));
    expect(c.temperature).toBeUndefined();
    expect(c.provider!.api).toBe(LlmApi.UNSPECIFIED);
  });

  it("keeps given values, including a temperature of 0", () => {
    const c = Object.assign(llmPrompt(), { temperature: 0, maxTokens: 5, timeoutSeconds: 9 });
    const value = withDefaults(config({ case: "llmPrompt", value: c })).kind.value as LlmPromptConfig;
    expect([value.temperature, value.maxTokens, value.timeoutSeconds]).toEqual([0, 5, 9]);
    expect(value.provider?.api).toBe(LlmApi.OPENAI_COMPATIBLE);
  });
});
