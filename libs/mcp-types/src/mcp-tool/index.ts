export { DEFAULT_TOOL_TIMEOUT_SECONDS, mcpToolWithDefaults } from "./defaults.js";
export { validateMcpTool } from "./validate.js";
