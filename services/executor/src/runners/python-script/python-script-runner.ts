import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { DEFAULT_MEMORY_LIMIT_MB, DEFAULT_PYTHON_TIMEOUT_SECONDS, positiveOr } from "@mcp/mcp-types";
import type { PythonScriptConfig } from "@mcp/proto/registry";
import { sandboxEnv, SandboxUnavailableError, type Sandbox } from "@mcp/sandbox";
import { bootstrapped } from "../../sandbox/python-bootstrap.js";
import { sharedPython } from "../../sandbox/resolve-python.js";
import { RequirementsUnavailableError, VenvCache } from "../../sandbox/venv-cache.js";
import {
  StepFailure,
  type PinnedMcp,
  type Runner,
  type StepContext,
  type StepResult,
} from "../../step/index.js";
import { runnerConfigOf } from "../kind-config.js";
import { readScriptOutput } from "../output-file.js";
import { networkOf, readablePath, sandboxUnavailable, secretsEnv, stepLimits } from "../sandboxed-step.js";
import { settlePythonScript } from "./python-script-outcome.js";

/** Bound on building one venv (create + pip install) when none is given. */
export const DEFAULT_INSTALL_TIMEOUT_MS = 120_000;

/** Options of {@link PythonScriptRunner}. */
export interface PythonScriptRunnerOptions {
  /** Where scripts (and their requirements' installs) run. */
  readonly sandbox: Sandbox;
  /** The interpreter (a name on PATH or a path), resolved once to its `sys.executable`; default `python3`. */
  readonly python?: string;
  /** Where per-MCP-version venvs for `requirements` live; default `<os.tmpdir()>/mcp-venvs`. */
  readonly venvDir?: string;
  /** Cap on captured stdout and on stderr, each; default 64 KiB (the head is kept). */
  readonly outputCapBytes?: number;
  /** Bound on building one venv (create + pip install); default 120 s. */
  readonly installTimeoutMs?: number;
}

/**
 * Runs `python_script` MCPs with the contract users' scripts already follow:
 * `python3 script.py <input.json> <output.json>` in a fresh temp dir (removed afterwards), the script
 * writing `{"success": bool, "result": {...}, "error": str|null}`; `result` becomes the step's outputs.
 * The script runs in a sandbox (@mcp/sandbox): its own namespaces, a read-only system, that temp dir
 * as its only writable folder, no network unless the version asks for egress, its secrets as
 * environment variables and nothing else of the executor's, limits on memory (memory_limit_mb),
 * CPU time (timeout_seconds), processes, file size and open files, killed whole on timeout or abort.
 */
export class PythonScriptRunner implements Runner {
  private readonly sandbox: Sandbox;
  private readonly basePython: () => Promise<string>;
  private readonly venvDir: string;
  private readonly outputCapBytes: number | undefined;
  private readonly installTimeoutMs: number;
  private venvs: VenvCache | undefined;

  constructor(options: PythonScriptRunnerOptions) {
    this.sandbox = options.sandbox;
    this.basePython = sharedPython(options.sandbox, options.python ?? "python3");
    this.venvDir = options.venvDir ?? join(tmpdir(), "mcp-venvs");
    this.outputCapBytes = options.outputCapBytes;
    this.installTimeoutMs = options.installTimeoutMs ?? DEFAULT_INSTALL_TIMEOUT_MS;
  }

  async run(context: StepContext): Promise<StepResult> {
    try {
      return await this.attempt(context);
    } catch (error) {
      if (error instanceof SandboxUnavailableError) throw sandboxUnavailable(error);
      if (error instanceof RequirementsUnavailableError) {
        throw new StepFailure("REQUIREMENTS_UNAVAILABLE", error.message, error.log ?? {}, { cause: error });
      }
      throw StepFailure.from(error, "RUNNER_ERROR", "python script runner failed: ");
    }
  }

  private async attempt(context: StepContext): Promise<StepResult> {
    const config = runnerConfigOf(context.mcp, "pythonScript");
    const timeoutSeconds = positiveOr(config.timeoutSeconds, DEFAULT_PYTHON_TIMEOUT_SECONDS);
    const limits = stepLimits(this.sandbox, {
      timeoutSeconds,
      memoryLimitMb: positiveOr(config.memoryLimitMb, DEFAULT_MEMORY_LIMIT_MB),
    });
    const scriptPath = await this.checkedScriptPath(config);
    throwIfCancelled(context.signal);
    const python = await untilAborted(this.interpreterFor(context.mcp, config), context.signal);
    const venv = config.requirements.length > 0 ? dirname(dirname(python)) : undefined;

    return this.sandbox.withWorkDir("mcp-python-", async (dir) => {
      const input = join(dir, "input.json");
      const output = join(dir, "output.json");
      await writeFile(input, JSON.stringify(context.inputs));
      const script = scriptPath ?? join(dir, "script.py");
      if (config.source.case === "scriptContent") await writeFile(script, config.source.value);
      const outcome = await this.sandbox.run({
        ...bootstrapped(python, script, [input, output], limits.process),
        workDir: dir,
        env: {
          ...sandboxEnv({
            home: dir,
            basePath: this.sandbox.searchPath,
            ...(venv === undefined ? {} : { extraPath: dirname(python) }),
          }),
          ...secretsEnv(context),
          // print() reaches the live log as it is called, not when a pipe buffer fills
          PYTHONUNBUFFERED: "1",
        },
        network: networkOf(context.mcp),
        readOnlyPaths: venv === undefined ? [] : [venv],
        limits: limits.process,
        timeoutMs: timeoutSeconds * 1000,
        signal: context.signal,
        ...(this.outputCapBytes === undefined ? {} : { outputCapBytes: this.outputCapBytes }),
        ...(context.onOutput === undefined ? {} : { onOutput: context.onOutput }),
      });
      return settlePythonScript(outcome, await readScriptOutput(output), limits.step, context.signal.reason);
    });
  }

  /** For `script_path`, the resolved path after checking the sandbox may read it; undefined for `script_content`. */
  private async checkedScriptPath(config: PythonScriptConfig): Promise<string | undefined> {
    const source = config.source;
    if (source.case === "scriptContent") return undefined;
    if (source.case === undefined)
      throw new StepFailure("INVALID_CONFIG", "python_script config has no script_content or script_path");
    if (!isAbsolute(source.value))
      throw new StepFailure("INVALID_CONFIG", `script_path must be absolute, got ${source.value}`);
    return readablePath(this.sandbox, source.value, "script_path");
  }

  /** The base interpreter, or the MCP version's venv interpreter when it has requirements. */
  private async interpreterFor(mcp: PinnedMcp, config: PythonScriptConfig): Promise<string> {
    const base = await this.basePython();
    if (config.requirements.length === 0) return base;
    this.venvs ??= new VenvCache({
      sandbox: this.sandbox,
      root: this.venvDir,
      python: base,
      installTimeoutMs: this.installTimeoutMs,
    });
    return this.venvs.pythonFor(mcp, config.requirements);
  }
}

function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw cancelled(signal.reason, "before it started");
}

function cancelled(reason: unknown, when: string): StepFailure {
  const why =
    reason instanceof Error ? `: ${reason.message}` : typeof reason === "string" ? `: ${reason}` : "";
  return new StepFailure("CANCELLED", `python script cancelled ${when}${why}`);
}

/** Settles like `work`, or rejects with CANCELLED as soon as `signal` aborts (`work` itself goes on, e.g. a shared install). */
async function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(cancelled(signal.reason, "while preparing its interpreter"));
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    if (onAbort !== undefined) signal.removeEventListener("abort", onAbort);
  }
}
