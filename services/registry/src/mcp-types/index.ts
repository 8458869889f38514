import { create } from "@bufbuild/protobuf";
import type { FieldViolation } from "@mcp/errors";
import { McpConfigSchema, McpType, type McpConfig } from "@mcp/proto/registry";
import { fieldPath, violation } from "@mcp/validation";
import { aiAssistantWithDefaults, validateAiAssistant } from "./ai-assistant.js";
import { jupyterNotebookWithDefaults, validateJupyterNotebook } from "./jupyter-notebook.js";
import { llmPromptWithDefaults, validateLlmPrompt } from "./llm-prompt.js";
import { mcpToolWithDefaults, validateMcpTool } from "./mcp-tool.js";
import { pythonScriptWithDefaults, validatePythonScript } from "./python-script.js";
import { validateSandboxFields } from "./sandbox-fields.js";

/**
 * The five kinds of MCP: what each config must satisfy and what it defaults to. One module per
 * type; this index dispatches on the `McpConfig.kind` oneof.
 */

export { templateVariables } from "./template.js";
export { adminNeededFor, secretNames, startsProcesses } from "./sandbox-fields.js";

/** The `McpConfig.kind` case of each type (the generated camelCase name). */
export type McpConfigKind = NonNullable<McpConfig["kind"]["case"]>;

const TYPE_OF_KIND: Readonly<Record<McpConfigKind, McpType>> = {
  llmPrompt: McpType.LLM_PROMPT,
  pythonScript: McpType.PYTHON_SCRIPT,
  jupyterNotebook: McpType.JUPYTER_NOTEBOOK,
  aiAssistant: McpType.AI_ASSISTANT,
  mcpTool: McpType.MCP_TOOL,
};

/** The type an MCP with this config has; `MCP_TYPE_UNSPECIFIED` when no kind is set. */
export function mcpTypeOf(config: McpConfig): McpType {
  return config.kind.case === undefined ? McpType.UNSPECIFIED : TYPE_OF_KIND[config.kind.case];
}

/** The proto (snake_case) name of a kind, e.g. `llm_prompt` for `llmPrompt`. */
export function kindFieldName(kind: McpConfigKind): string {
  const field = McpConfigSchema.fields.find((f) => f.localName === kind);
  return field?.name ?? kind;
}

/**
 * Every violation of a config at `path` (default `config`): the config is required, exactly one
 * kind must be set, and that kind's rules apply under `path.<kind>` (e.g. `config.llm_prompt`).
 */
export function validateMcpConfig(config: McpConfig | undefined, path = "config"): FieldViolation[] {
  if (config === undefined) return [violation(path, "is required")];
  const kind = config.kind;
  if (kind.case === undefined) {
    const kinds = McpConfigSchema.fields.map((f) => f.name).join(", ");
    return [violation(fieldPath(path, "kind"), `exactly one of ${kinds} is required`)];
  }
  return [...validateKind(kind, fieldPath(path, kindFieldName(kind.case))), ...validateSandboxFields(config, path)];
}

function validateKind(kind: McpConfig["kind"], at: string): FieldViolation[] {
  switch (kind.case) {
    case "llmPrompt":
      return validateLlmPrompt(kind.value, at);
    case "pythonScript":
      return validatePythonScript(kind.value, at);
    case "jupyterNotebook":
      return validateJupyterNotebook(kind.value, at);
    case "aiAssistant":
      return validateAiAssistant(kind.value, at);
    case "mcpTool":
      return validateMcpTool(kind.value, at);
    default:
      return [];
  }
}

/**
 * A new config equal to `config` with every unset optional setting of its kind given its default;
 * `config` is not changed. `network` stays as given (unset means none, so older versions' content
 * hashes stay what they were).
 */
export function withDefaults(config: McpConfig): McpConfig {
  return create(McpConfigSchema, {
    kind: kindWithDefaults(config.kind),
    network: config.network,
    secrets: [...config.secrets],
  });
}

function kindWithDefaults(kind: McpConfig["kind"]): McpConfig["kind"] {
  switch (kind.case) {
    case "llmPrompt":
      return { case: kind.case, value: llmPromptWithDefaults(kind.value) };
    case "pythonScript":
      return { case: kind.case, value: pythonScriptWithDefaults(kind.value) };
    case "jupyterNotebook":
      return { case: kind.case, value: jupyterNotebookWithDefaults(kind.value) };
    case "aiAssistant":
      return { case: kind.case, value: aiAssistantWithDefaults(kind.value) };
    case "mcpTool":
      return { case: kind.case, value: mcpToolWithDefaults(kind.value) };
    default:
      return { case: undefined };
  }
}

/** The model an MCP uses (llm_prompt and ai_assistant), for statistics; `undefined` for other types or no model. */
export function modelOf(config: McpConfig): string | undefined {
  const kind = config.kind;
  if (kind.case === "llmPrompt" || kind.case === "aiAssistant") return kind.value.model || undefined;
  return undefined;
}
