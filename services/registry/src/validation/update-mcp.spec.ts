import { create, type MessageInitShape } from "@bufbuild/protobuf";
import {
  LlmPromptConfigSchema,
  LlmProviderSchema,
  UpdateMcpRequestSchema,
  type LlmPromptConfig,
} from "@mcp/proto/registry";
import { config, fields, llmPrompt, pythonScript } from "@mcp/mcp-types/testing";
import { validateUpdateMcp } from "./update-mcp";

const byName = { mcp: { case: "name", value: "summarize" } } as const;

/** Field paths of the violations of an UpdateMcpRequest built from `init`. */
function paths(init: MessageInitShape<typeof UpdateMcpRequestSchema>): string[] {
  return fields(validateUpdateMcp(create(UpdateMcpRequestSchema, init)));
}

/** An llm_prompt config holding only the given fields, as sent for a single-field update. */
function partialLlm(init: Partial<LlmPromptConfig>) {
  return config({ case: "llmPrompt", value: Object.assign(create(LlmPromptConfigSchema), init) });
}

describe("UpdateMcp validation", () => {
  it("requires the MCP", () => {
    expect(paths({ description: "new" })).toEqual(["mcp"]);
  });

  it("accepts a description-only update without a mask", () => {
    expect(paths({ ...byName, description: "new text" })).toEqual([]);
  });

  it("checks description, tags, schemas and change_note like CreateMcp", () => {
    const init = {
      ...byName,
      description: "d".repeat(10_001),
      tags: ["ok", "ok"],
      inputSchema: { type: "thing" },
      outputSchema: { properties: [] },
      changeNote: "n".repeat(2001),
    };
    expect(paths(init)).toEqual([
      "description",
      "tags[1]",
      "input_schema.type",
      "output_schema.properties",
      "change_note",
    ]);
  });

  it("validates a given config in full when the mask is empty", () => {
    const c = llmPrompt();
    c.maxTokens = 0;
    expect(paths({ ...byName, config: config({ case: "llmPrompt", value: c }) })).toEqual([
      "config.llm_prompt.max_tokens",
    ]);
  });

  it("requires the config when the mask names config", () => {
    expect(paths({ ...byName, updateMask: { paths: ["config"] } })).toEqual(["config"]);
    expect(
      paths({
        ...byName,
        updateMask: { paths: ["config"] },
        config: config({ case: "pythonScript", value: pythonScript() }),
      }),
    ).toEqual([]);
  });

  it("rejects mask paths that are not updatable, naming update_mask.paths[i]", () => {
    const init = {
      ...byName,
      description: "x",
      updateMask: { paths: ["description", "name", "config.llm_prompt.nope", "etag"] },
    };
    expect(paths(init)).toEqual(["update_mask.paths[1]", "update_mask.paths[2]", "update_mask.paths[3]"]);
  });

  it("rejects an unknown config kind, a nested path and a repeated path", () => {
    const init = {
      ...byName,
      updateMask: { paths: ["config.shell.command", "config.llm_prompt.provider.base_url", "tags", "tags"] },
    };
    expect(paths(init)).toEqual(["update_mask.paths[0]", "update_mask.paths[1]", "update_mask.paths[3]"]);
  });

  it("accepts every updatable top-level field", () => {
    const mask = ["description", "tags", "input_schema", "output_schema", "change_note"];
    expect(paths({ ...byName, updateMask: { paths: mask } })).toEqual([]);
  });

  it("rejects a config field path combined with config", () => {
    const init = {
      ...byName,
      updateMask: { paths: ["config", "config.llm_prompt.temperature"] },
      config: config({ case: "llmPrompt", value: llmPrompt() }),
    };
    expect(paths(init)).toEqual(["update_mask.paths[1]"]);
  });

  it("checks only the named field for a single config field path", () => {
    const init = { ...byName, updateMask: { paths: ["config.llm_prompt.temperature"] } };
    expect(paths({ ...init, config: partialLlm({ temperature: 0.2 }) })).toEqual([]);
    expect(paths({ ...init, config: partialLlm({ temperature: 4 }) })).toEqual([
      "config.llm_prompt.temperature",
    ]);
  });

  it("checks nested violations under a single config field path", () => {
    const init = { ...byName, updateMask: { paths: ["config.llm_prompt.provider"] } };
    const provider = create(LlmProviderSchema, { baseUrl: "nope", apiKeyEnv: "KEY" });
    expect(paths({ ...init, config: partialLlm({ provider }) })).toEqual([
      "config.llm_prompt.provider.base_url",
    ]);
  });

  it("requires a config of the path's kind for a single config field path", () => {
    const init = { ...byName, updateMask: { paths: ["config.llm_prompt.temperature"] } };
    expect(paths(init)).toEqual(["config"]);
    expect(paths({ ...init, config: config({ case: "pythonScript", value: pythonScript() }) })).toEqual([
      "config",
    ]);
  });

  it("ignores a config the mask does not name", () => {
    const c = llmPrompt();
    c.temperature = 9;
    expect(
      paths({ ...byName, updateMask: { paths: ["tags"] }, config: config({ case: "llmPrompt", value: c }) }),
    ).toEqual([]);
  });
});
