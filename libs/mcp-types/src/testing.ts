import { create } from "@bufbuild/protobuf";
import type { FieldViolation } from "@mcp/errors";
import {
  AiAssistantConfigSchema,
  JupyterNotebookConfigSchema,
  LlmApi,
  LlmPromptConfigSchema,
  McpConfigSchema,
  McpToolConfigSchema,
  PythonScriptConfigSchema,
  type AiAssistantConfig,
  type JupyterNotebookConfig,
  type LlmPromptConfig,
  type McpConfig,
  type McpToolConfig,
  type PythonScriptConfig,
} from "@mcp/proto/registry";

/** Valid example configs for tests: each test changes one thing and checks the outcome. */

/** A notebook document (nbformat 4) with two code cells and one markdown cell. */
export const NOTEBOOK_JSON = JSON.stringify({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    { cell_type: "code", source: "x = 1", metadata: {}, outputs: [], execution_count: null },
    { cell_type: "markdown", source: "# note", metadata: {} },
    { cell_type: "code", source: "y = x + 1", metadata: {}, outputs: [], execution_count: null },
  ],
});

/** A valid llm_prompt config. */
export function llmPrompt(): LlmPromptConfig {
  return create(LlmPromptConfigSchema, {
    template: "Summarize {{ text }} for {{user.name}}",
    model: "gpt-4o-mini",
    provider: {
      api: LlmApi.OPENAI_COMPATIBLE,
      baseUrl: "https://api.openai.com/v1",
      apiKeyEnv: "OPENAI_API_KEY",
    },
  });
}

/** A valid python_script config. */
export function pythonScript(): PythonScriptConfig {
  return create(PythonScriptConfigSchema, {
    source: { case: "scriptContent", value: "print('hi')" },
    requirements: ["requests>=2"],
  });
}

/** A valid jupyter_notebook config. */
export function jupyterNotebook(): JupyterNotebookConfig {
  return create(JupyterNotebookConfigSchema, {
    source: { case: "notebookContent", value: NOTEBOOK_JSON },
    parameters: { threshold: 0.5 },
    cellsToExecute: [0, 1],
    outputVariables: ["y"],
  });
}

/** A valid ai_assistant config with one tool. */
export function aiAssistant(): AiAssistantConfig {
  return create(AiAssistantConfigSchema, {
    systemPrompt: "You help.",
    model: "claude-sonnet",
    provider: { api: LlmApi.ANTHROPIC, baseUrl: "https://api.anthropic.com", apiKeyEnv: "ANTHROPIC_API_KEY" },
    tools: [{ mcp: { case: "name", value: "summarize" }, selector: { case: "label", value: "production" } }],
  });
}

/** A valid mcp_tool config over stdio. */
export function mcpTool(): McpToolConfig {
  return create(McpToolConfigSchema, {
    transport: {
      case: "stdio",
      value: { command: "npx", args: ["-y", "server-everything"], env: { DEBUG: "1" } },
    },
    toolName: "echo",
  });
}

/** Wraps a kind's config into an McpConfig. */
export function config(kind: McpConfig["kind"]): McpConfig {
  return create(McpConfigSchema, { kind });
}

/** The field paths of some violations, for compact assertions. */
export function fields(violations: readonly FieldViolation[]): string[] {
  return violations.map((v) => v.field);
}
