export { Sandbox, SandboxUnavailableError } from "./sandbox.js";
export { closeInheritedDescriptors } from "./inherited-fds.js";
export type {
  SandboxMode,
  SandboxSettings,
  SandboxStatus,
  SandboxedCommand,
  SandboxedOutcome,
  SandboxedProcess,
} from "./sandbox.js";
export type { NetworkMode } from "./bwrap-args.js";
export { DEFAULT_LIMITS, rlimitsOf, type ProcessLimits } from "./limits.js";
export { isIpv4Cidr, ALWAYS_DENIED } from "./egress-deny.js";
export { DEFAULT_OUTPUT_CAP_BYTES, OutputCapture } from "./output-capture.js";
export type { OutputListener } from "./run-process.js";
export { nextSpawnTurn } from "./spawn-turns.js";
export { installEnv, sandboxEnv, SANDBOX_PATH } from "./sandbox-env.js";
export { sandboxConfigFromEnv, type SandboxConfig } from "./settings.js";
export { SANDBOX_USER } from "./host-view.js";
export { SandboxedStdioTransport } from "./stdio-transport.js";
export { START_GATE_CLOSED_EXIT_CODE, START_GATE_FD, START_GATE_GO, START_GATE_READY } from "./start-gate.js";
