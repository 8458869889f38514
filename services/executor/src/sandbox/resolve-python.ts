import { tmpdir } from "node:os";
import { runSandboxed } from "./run-sandboxed.js";
import { scrubbedEnv } from "./scrubbed-env.js";

const RESOLVE_TIMEOUT_MS = 15_000;

/**
 * The absolute path of the interpreter `python` names (its `sys.executable`). Scripts then run that
 * binary directly: no per-run launcher such as a pyenv shim, and the process-group leader is Python itself.
 */
export async function resolvePython(python: string): Promise<string> {
  const outcome = await runSandboxed({
    command: python,
    args: ["-c", "import sys; print(sys.executable)"],
    cwd: tmpdir(),
    env: scrubbedEnv({ home: tmpdir() }),
    timeoutMs: RESOLVE_TIMEOUT_MS,
  });
  const executable = outcome.stdout.text().trim();
  if (outcome.exitCode !== 0 || executable === "") {
    const why = outcome.timedOut ? "timed out" : `exited with ${outcome.exitCode ?? outcome.signal}`;
    throw new Error(`python interpreter "${python}" is not usable (${why}): ${outcome.stderr.lastLines(5)}`);
  }
  return executable;
}
