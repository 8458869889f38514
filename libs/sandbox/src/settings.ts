import { existsSync } from "node:fs";
import { isAbsolute } from "node:path";
import { isIpv4Cidr } from "./egress-deny.js";
import { DEFAULT_LIMITS } from "./limits.js";
import type { SandboxMode } from "./sandbox.js";

/** The sandbox settings a service reads from its environment (the SANDBOX_* variables). */
export interface SandboxConfig {
  /** SANDBOX: `bubblewrap` (default) or `off` (unsafe: step code runs as plain child processes). */
  readonly mode: SandboxMode;
  /** SANDBOX_READ_PATHS: host folders every sandbox may read (colon-separated absolute paths). */
  readonly readOnlyPaths: readonly string[];
  /**
   * SANDBOX_WRITE_PATHS: host folders every sandbox may write (colon-separated absolute paths), e.g.
   * a shared data volume. Whatever one step writes there, every later step can read: use with care.
   */
  readonly writablePaths: readonly string[];
  /** SANDBOX_EGRESS_DENY: networks (IPv4 CIDR, comma-separated) egress never reaches, beyond the built-in list. */
  readonly egressDeny: readonly string[];
  /** SANDBOX_UID / SANDBOX_GID: the host user bubblewrap runs as when the service runs as root (default 65534). */
  readonly uid: number;
  readonly gid: number;
  /** SANDBOX_MAX_PROCESSES: processes and threads per sandbox (default 64). */
  readonly maxProcesses: number;
  /** SANDBOX_MAX_FILE_MB: largest file a sandboxed process may write, MiB (default 64). */
  readonly maxFileBytes: number;
  /** SANDBOX_MAX_OPEN_FILES: open files per process (default 256). */
  readonly maxOpenFiles: number;
  /** SANDBOX_TMP_MB: size of each sandbox's private /tmp, MiB (default 64). */
  readonly tmpSizeBytes: number;
  /** SANDBOX_SERVER_MEMORY_MB: address-space cap of an MCP server started over stdio, MiB (default 2048). */
  readonly serverMemoryBytes: number;
}

const MIB = 1024 * 1024;

/**
 * Parses the SANDBOX_* variables. Returns the config, or every problem found (each naming its
 * variable), for the service's config loader to report at once.
 */
export function sandboxConfigFromEnv(
  env: NodeJS.ProcessEnv,
):
  | { readonly config: SandboxConfig; readonly problems: readonly [] }
  | { readonly problems: readonly string[] } {
  const problems: string[] = [];
  const value = (name: string) => {
    const raw = env[name]?.trim();
    return raw === undefined || raw === "" ? undefined : raw;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const parsed = Number(raw);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      problems.push(`${name} must be a whole number between ${min} and ${max}, got "${raw}"`);
      return fallback;
    }
    return parsed;
  };

  const modeRaw = (value("SANDBOX") ?? "bubblewrap").toLowerCase();
  if (modeRaw !== "bubblewrap" && modeRaw !== "off") {
    problems.push(`SANDBOX must be "bubblewrap" (the default) or "off", got "${modeRaw}"`);
  }
  const readOnlyPaths = (value("SANDBOX_READ_PATHS") ?? "").split(":").filter((p) => p !== "");
  for (const path of readOnlyPaths) {
    if (!isAbsolute(path)) problems.push(`SANDBOX_READ_PATHS: "${path}" is not an absolute path`);
    else if (!existsSync(path)) problems.push(`SANDBOX_READ_PATHS: "${path}" does not exist`);
  }
  const writablePaths = (value("SANDBOX_WRITE_PATHS") ?? "").split(":").filter((p) => p !== "");
  for (const path of writablePaths) {
    if (!isAbsolute(path)) problems.push(`SANDBOX_WRITE_PATHS: "${path}" is not an absolute path`);
    else if (!existsSync(path)) problems.push(`SANDBOX_WRITE_PATHS: "${path}" does not exist`);
  }
  const egressDeny = (value("SANDBOX_EGRESS_DENY") ?? "")
    .split(",")
    .map((c) => c.trim())
    .filter((c) => c !== "");
  for (const cidr of egressDeny) {
    if (!isIpv4Cidr(cidr))
      problems.push(`SANDBOX_EGRESS_DENY: "${cidr}" is not an IPv4 network like 10.0.0.0/8`);
  }
  const config: SandboxConfig = Object.freeze({
    mode: modeRaw === "off" ? "off" : "bubblewrap",
    readOnlyPaths: Object.freeze(readOnlyPaths),
    writablePaths: Object.freeze(writablePaths),
    egressDeny: Object.freeze(egressDeny),
    uid: integer("SANDBOX_UID", 65534, 1, 2 ** 31 - 1),
    gid: integer("SANDBOX_GID", 65534, 1, 2 ** 31 - 1),
    maxProcesses: integer("SANDBOX_MAX_PROCESSES", DEFAULT_LIMITS.processes, 8, 65_536),
    maxFileBytes: integer("SANDBOX_MAX_FILE_MB", DEFAULT_LIMITS.fileSizeBytes / MIB, 1, 1_048_576) * MIB,
    maxOpenFiles: integer("SANDBOX_MAX_OPEN_FILES", DEFAULT_LIMITS.openFiles, 16, 1_048_576),
    tmpSizeBytes: integer("SANDBOX_TMP_MB", 64, 1, 65_536) * MIB,
    serverMemoryBytes: integer("SANDBOX_SERVER_MEMORY_MB", 2048, 64, 1_048_576) * MIB,
  });
  return problems.length > 0 ? { problems } : { config, problems: [] };
}
