/** What the registry knows about the tools of `mcp_tool` servers: probing them and the stored snapshot. */
export { ServerToolProbe, DEFAULT_PROBE_TIMEOUT_MS } from "./server-tool-probe.js";
export { ToolProbeError, type ProbedTool, type ToolProbe } from "./tool-probe.js";
export {
  checkToolOffered,
  takeToolSnapshot,
  toolSnapshotFields,
  unprobed,
  TOOL_NAME_FIELD,
  type StoredToolSnapshot,
} from "./tool-snapshot.js";
