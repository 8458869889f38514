export {
  CLIENT_INFO,
  DEFAULT_SERVER_MEMORY_BYTES,
  McpToolRunner,
  type McpToolRunnerOptions,
} from "./mcp-tool-runner.js";
