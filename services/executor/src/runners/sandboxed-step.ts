import { realpath } from "node:fs/promises";
import { NetworkAccess } from "@mcp/proto/registry";
import { SandboxUnavailableError, type NetworkMode, type ProcessLimits, type Sandbox } from "@mcp/sandbox";
import { StepFailure, type PinnedMcp, type StepContext } from "../step/index.js";
import type { StepLimits } from "./sandbox-failures.js";

/** What the processes of a step of `mcp` may reach: its version's `network` setting. */
export function networkOf(mcp: PinnedMcp): NetworkMode {
  return mcp.config.network === NetworkAccess.EGRESS ? "egress" : "none";
}

/** The step's secrets as environment variables of its sandboxed process. */
export function secretsEnv(context: Pick<StepContext, "secrets">): Record<string, string> {
  return Object.fromEntries(context.secrets ?? []);
}

/** The process limits of a step: its memory cap and timeout (as CPU time), the sandbox's defaults else. */
export function stepLimits(
  sandbox: Sandbox,
  options: { timeoutSeconds: number; memoryLimitMb: number },
): { process: ProcessLimits; step: StepLimits } {
  const process = sandbox.limits({
    memoryBytes: options.memoryLimitMb * 1024 * 1024,
    cpuSeconds: options.timeoutSeconds,
  });
  return {
    process,
    step: {
      timeoutSeconds: options.timeoutSeconds,
      memoryLimitMb: options.memoryLimitMb,
      processes: process.processes,
      cpuSeconds: process.cpuSeconds,
      fileSizeBytes: process.fileSizeBytes,
      openFiles: process.openFiles,
    },
  };
}

/** SANDBOX_UNAVAILABLE for a step that cannot run because the sandbox (or its egress) does not work here. */
export function sandboxUnavailable(error: SandboxUnavailableError): StepFailure {
  return new StepFailure("SANDBOX_UNAVAILABLE", error.message, {}, { cause: error });
}

/**
 * A configured host path (script_path, notebook_path, a stdio server's cwd) resolved, after checking
 * that the sandbox can read it: it must lie in SANDBOX_READ_PATHS, so a config cannot expose other
 * host files. INVALID_CONFIG otherwise, naming the field.
 */
export async function readablePath(sandbox: Sandbox, path: string, field: string): Promise<string> {
  const resolved = await realpath(path).catch(() => undefined);
  if (resolved === undefined) throw new StepFailure("INVALID_CONFIG", `${field} ${path} does not exist`);
  if (!sandbox.canRead(resolved)) {
    const allowed = sandbox.readOnlyPaths.length === 0 ? "none are set" : sandbox.readOnlyPaths.join(":");
    throw new StepFailure(
      "INVALID_CONFIG",
      `${field} ${path} is outside the folders sandboxed steps may read (SANDBOX_READ_PATHS: ${allowed})`,
    );
  }
  return resolved;
}

export { SandboxUnavailableError };
