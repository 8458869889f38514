import { sandboxEnv, type Sandbox } from "@mcp/sandbox";

const RESOLVE_TIMEOUT_MS = 15_000;

/**
 * The absolute path of the interpreter `python` names (its `sys.executable`) as the sandbox sees it:
 * looked up on the sandbox's own PATH, so it is an interpreter sandboxed steps can run. Scripts then run
 * that binary directly: no per-run launcher such as a pyenv shim.
 */
export async function resolvePython(sandbox: Sandbox, python: string): Promise<string> {
  return sandbox.withWorkDir("mcp-python-resolve-", async (dir) => {
    const outcome = await sandbox.run({
      command: python,
      args: ["-c", "import sys; print(sys.executable)"],
      workDir: dir,
      env: sandboxEnv({ home: dir, basePath: sandbox.searchPath }),
      network: "none",
      limits: sandbox.limits({ cpuSeconds: RESOLVE_TIMEOUT_MS / 1000 }),
      timeoutMs: RESOLVE_TIMEOUT_MS,
    });
    const executable = outcome.stdout.text().trim();
    if (outcome.exitCode !== 0 || executable === "") {
      const why =
        outcome.setupError ??
        (outcome.timedOut ? "timed out" : `exited with ${outcome.exitCode ?? outcome.signal}`);
      throw new Error(
        `python interpreter "${python}" is not usable in the sandbox (${why}): ${outcome.stderr.lastLines(5)}`,
      );
    }
    return executable;
  });
}

/**
 * `resolvePython(sandbox, python)` done once and shared by every later call; a failed resolution is
 * forgotten, so the next call tries again (the interpreter may have been installed meanwhile).
 */
export function sharedPython(sandbox: Sandbox, python: string): () => Promise<string> {
  let resolved: Promise<string> | undefined;
  return () => {
    resolved ??= resolvePython(sandbox, python).catch((error: unknown) => {
      resolved = undefined;
      throw error;
    });
    return resolved;
  };
}
