import { create } from "@bufbuild/protobuf";
import type { FieldViolation } from "@mcp/errors";
import { McpConfigSchema, type McpConfig } from "@mcp/proto/registry";
import { fieldPath, violation } from "@mcp/validation";
import { aiAssistantWithDefaults, validateAiAssistant } from "./ai-assistant/index.js";
import { jupyterNotebookWithDefaults, validateJupyterNotebook } from "./jupyter-notebook/index.js";
import { kindFieldName } from "./kinds.js";
import { llmPromptWithDefaults, validateLlmPrompt } from "./llm-prompt/index.js";
import { mcpToolWithDefaults, validateMcpTool } from "./mcp-tool/index.js";
import { pythonScriptWithDefaults, validatePythonScript } from "./python-script/index.js";
import { validateSandboxFields } from "./sandbox/index.js";

/** The highest `max_concurrency` accepted. */
export const MAX_CONCURRENCY_LIMIT = 1_000_000;

/** A whole `McpConfig`: dispatches on its `kind` oneof to the module of each type. */

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
  return [
    ...validateKind(kind, fieldPath(path, kindFieldName(kind.case))),
    ...validateSandboxFields(config, path),
    ...maxConcurrencyViolations(config, path),
  ];
}

/** The most steps of an MCP at once (`max_concurrency`): unset, or 1..1,000,000. */
function maxConcurrencyViolations(config: McpConfig, path: string): FieldViolation[] {
  const max = config.maxConcurrency;
  if (max === undefined || (max >= 1 && max <= MAX_CONCURRENCY_LIMIT)) return [];
  return [
    violation(
      fieldPath(path, "max_concurrency"),
      `must be 1..${MAX_CONCURRENCY_LIMIT} (steps of this MCP running at once; leave it unset for no limit), got ${max}`,
    ),
  ];
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
    ...(config.maxConcurrency === undefined ? {} : { maxConcurrency: config.maxConcurrency }),
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
