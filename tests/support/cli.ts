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

/** A CLI run still going: its output so far, a wait for a line, and its end. */
export interface RunningCli {
  /** Resolves with the first match of `pattern` in stdout (waits for more output until the process ends). */
  waitForStdout(pattern: RegExp): Promise<RegExpExecArray>;
  readonly done: Promise<CliResult>;
}

/** Starts the real CLI like {@link runCli} but returns at once, so a test can act on what it prints. */
export function startCli(args: readonly string[], env: Record<string, string> = {}): RunningCli {
  const childEnv = { ...process.env };
  for (const name of ["REGISTRY_URL", "WORKFLOWS_URL", "EXECUTOR_URL", "MCP_API_KEY"]) delete childEnv[name];
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    cwd: ROOT,
    env: { ...childEnv, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  child.stdout.on("data", (chunk: Buffer) => ((stdout += chunk.toString()), wake()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const guard = setTimeout(() => child.kill("SIGKILL"), 120_000);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
      wake();
    });
  });
  let ended = false;
  void done.then(() => (ended = true));
  return {
    done,
    async waitForStdout(pattern) {
      for (;;) {
        const match = pattern.exec(stdout);
        if (match) return match;
        if (ended) throw new Error(`the CLI ended without printing ${pattern}: ${stdout}${stderr}`);
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
}
