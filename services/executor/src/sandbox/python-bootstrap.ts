import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  rlimitsOf,
  START_GATE_CLOSED_EXIT_CODE,
  START_GATE_FD,
  START_GATE_GO,
  START_GATE_READY,
  type ProcessLimits,
} from "@mcp/sandbox";

/** Exit status of a script that died of an uncaught MemoryError under the memory cap. */
export const MEMORY_ERROR_EXIT_CODE = 86;

/**
 * Exit status of a script that used up its CPU time (RLIMIT_CPU's SIGXCPU). The script runs as its
 * sandbox's PID 1, which the kernel does not let a default-action SIGXCPU kill, so the bootstrap
 * handles it; the hard limit a second later (SIGKILL) still ends a script stuck in C code.
 */
export const CPU_LIMIT_EXIT_CODE = 87;

/** The bootstrap program (bootstrap.py beside this file), read on first use. */
let source: string | undefined;

function bootstrapSource(): string {
  source ??= readFileSync(join(__dirname, "bootstrap.py"), "utf8");
  return source;
}

/** How the sandbox runs a Python program through the bootstrap (spread into a SandboxedCommand). */
export interface BootstrappedCommand {
  readonly command: string;
  readonly args: string[];
  readonly setsOwnLimits: true;
  readonly holdsStartGate: true;
}

/**
 * The sandboxed command that runs `script` with `scriptArgs` under `limits` with `python`:
 * `python -c <bootstrap.py> <settings> <script> <arg>...`. The bootstrap waits at the sandbox's start
 * gate, sets the limits on itself, exits with CPU_LIMIT_EXIT_CODE on SIGXCPU and
 * MEMORY_ERROR_EXIT_CODE on an uncaught MemoryError (both handed to it in `<settings>`, defined only
 * here), and runs the script as `python3 script <arg>...` would; see bootstrap.py.
 */
export function bootstrapped(
  python: string,
  script: string,
  scriptArgs: readonly string[],
  limits: ProcessLimits,
): BootstrappedCommand {
  const settings = {
    rlimits: rlimitsOf(limits),
    memoryErrorExitCode: MEMORY_ERROR_EXIT_CODE,
    cpuLimitExitCode: CPU_LIMIT_EXIT_CODE,
    startGate: {
      fd: START_GATE_FD,
      ready: START_GATE_READY,
      go: START_GATE_GO,
      closedExitCode: START_GATE_CLOSED_EXIT_CODE,
    },
  };
  return {
    command: python,
    args: ["-c", bootstrapSource(), JSON.stringify(settings), script, ...scriptArgs],
    setsOwnLimits: true,
    holdsStartGate: true,
  };
}
