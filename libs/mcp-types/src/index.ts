/**
 * One module per MCP type — its config defaults, its validation and what both services read from its
 * config — shared by the registry (which validates and fills in defaults when a version is written)
 * and the executor (which runs it). Each type has its folder; `llm/`, `template/` and `sandbox/` hold
 * what several types share.
 */

export {
  configOf,
  kindFieldName,
  mcpTypeOf,
  positiveOr,
  type KindConfig,
  type McpConfigKind,
} from "./kinds.js";
export { MAX_CONCURRENCY_LIMIT, modelOf, validateMcpConfig, withDefaults } from "./mcp-config.js";

export {
  DEFAULT_LLM_TIMEOUT_SECONDS,
  DEFAULT_MAX_TOKENS,
  DEFAULT_TEMPERATURE,
  MAX_TOKENS_LIMIT,
} from "./llm/index.js";
export {
  replacePlaceholders,
  templateVariables,
  undeclaredVariables,
  type Placeholder,
} from "./template/index.js";
export { MAX_TEMPLATE_LENGTH } from "./llm-prompt/index.js";
export {
  DEFAULT_MEMORY_LIMIT_MB,
  DEFAULT_PYTHON_TIMEOUT_SECONDS,
  MAX_REQUIREMENTS,
  MAX_SCRIPT_BYTES,
} from "./python-script/index.js";
export { DEFAULT_NOTEBOOK_TIMEOUT_SECONDS, MAX_NOTEBOOK_BYTES } from "./jupyter-notebook/index.js";
// Notebook parsing: the registry checks notebook_content with it, the executor takes the cells to run from it.
export * from "./jupyter-notebook/notebook-document.js";
export { DEFAULT_MAX_TURNS, DEFAULT_MEMORY_SIZE, MAX_TOOLS } from "./ai-assistant/index.js";
export { DEFAULT_TOOL_TIMEOUT_SECONDS } from "./mcp-tool/index.js";
export { MAX_SECRETS, adminNeededFor, secretNames, startsProcesses } from "./sandbox/index.js";
