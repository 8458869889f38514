import { spawn } from "node:child_process";
import { resolve } from "node:path";
import type { TestPlatform } from "./platform";

/** The repository's root: where the CLI runs from (it resolves manifests' relative paths there). */
export const ROOT = resolve(__dirname, "../..");
/** The real CLI's entry point. */
export const CLI_BIN = resolve(ROOT, "cli/bin/mcpctl.cjs");

/** How a CLI run ended. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the real CLI (`mcp ARGS`) as a child process, without a TTY (line-mode progress), with the
 * service URLs and API key of the environment removed so only `args` and `env` decide. Never leaves
 * the process behind (it would keep Jest from exiting).
 */
export function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  const childEnv = { ...process.env };
  for (const name of ["REGISTRY_URL", "WORKFLOWS_URL", "EXECUTOR_URL", "MCP_API_KEY", "MCP_WORKSPACE"])
    delete childEnv[name];
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], {
      cwd: ROOT,
      env: { ...childEnv, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const guard = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(guard);
      done({ code, stdout, stderr });
    });
  });
}

/** `mcp ARGS` against the three services of `p` (its first executor). */
export function cliAgainst(p: TestPlatform, ...args: string[]): Promise<CliResult> {
  return runCli([
    "--registry",
    p.registry.url,
    "--workflows",
    p.workflows.server.url,
    "--executor",
    p.executors[0]!.server.url,
    ...args,
  ]);
}
