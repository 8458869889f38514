import { writeFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import type { PythonScriptConfig } from "@mcp/proto/registry";
import { bootstrapArgs } from "../sandbox/python-bootstrap.js";
import { resolvePython } from "../sandbox/resolve-python.js";
import { runSandboxed } from "../sandbox/run-sandboxed.js";
import { scrubbedEnv } from "../sandbox/scrubbed-env.js";
import { withTempDir } from "../sandbox/temp-dir.js";
import { RequirementsUnavailableError, VenvCache } from "../sandbox/venv-cache.js";
import { readScriptOutput, settlePythonScript, type ScriptLimits } from "./python-script-outcome.js";
import { StepFailure, type PinnedMcp, type Runner, type StepContext, type StepResult } from "./runner.js";

export const DEFAULT_TIMEOUT_SECONDS = 60;
export const DEFAULT_MEMORY_LIMIT_MB = 512;
export const DEFAULT_INSTALL_TIMEOUT_MS = 120_000;

/** Options of {@link PythonScriptRunner}. */
export interface PythonScriptRunnerOptions {
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
 * The script runs in its own process group (killed whole on timeout or abort), under an address-space
 * cap, with a scrubbed environment and capped output capture (see ../sandbox).
 */
export class PythonScriptRunner implements Runner {
  private readonly python: string;
  private readonly venvDir: string;
  private readonly outputCapBytes: number | undefined;
  private readonly installTimeoutMs: number;
  private resolved: Promise<string> | undefined;
  private venvs: VenvCache | undefined;

  constructor(options: PythonScriptRunnerOptions = {}) {
    this.python = options.python ?? "python3";
    this.venvDir = options.venvDir ?? join(tmpdir(), "mcp-venvs");
    this.outputCapBytes = options.outputCapBytes;
    this.installTimeoutMs = options.installTimeoutMs ?? DEFAULT_INSTALL_TIMEOUT_MS;
  }

  async run(context: StepContext): Promise<StepResult> {
    try {
      return await this.attempt(context);
    } catch (error) {
      if (error instanceof StepFailure) throw error;
      if (error instanceof RequirementsUnavailableError) {
        throw new StepFailure("REQUIREMENTS_UNAVAILABLE", error.message, error.log ?? {}, { cause: error });
      }
      const message = error instanceof Error ? error.message : String(error);
      throw new StepFailure("RUNNER_ERROR", `python script runner failed: ${message}`, {}, { cause: error });
    }
  }

  private async attempt(context: StepContext): Promise<StepResult> {
    const config = pythonScriptConfigOf(context.mcp);
    const limits: ScriptLimits = {
      timeoutSeconds: positiveOr(config.timeoutSeconds, DEFAULT_TIMEOUT_SECONDS),
      memoryLimitMb: positiveOr(config.memoryLimitMb, DEFAULT_MEMORY_LIMIT_MB),
    };
    const scriptPath = await checkedScriptPath(config);
    throwIfCancelled(context.signal);
    const python = await untilAborted(this.interpreterFor(context.mcp, config), context.signal);

    return withTempDir("mcp-python-", async (dir) => {
      const input = join(dir, "input.json");
      const output = join(dir, "output.json");
      await writeFile(input, JSON.stringify(context.inputs));
      const script = scriptPath ?? join(dir, "script.py");
      if (config.source.case === "scriptContent") await writeFile(script, config.source.value);
      const outcome = await runSandboxed({
        command: python,
        args: bootstrapArgs(script, [input, output], limits.memoryLimitMb * 1024 * 1024),
        cwd: dir,
        env: scrubbedEnv({
          home: dir,
          extraPath: config.requirements.length > 0 ? dirname(python) : undefined,
        }),
        timeoutMs: limits.timeoutSeconds * 1000,
        signal: context.signal,
        outputCapBytes: this.outputCapBytes,
      });
      return settlePythonScript(outcome, await readScriptOutput(output), limits, context.signal.reason);
    });
  }

  /** The base interpreter, or the MCP version's venv interpreter when it has requirements. */
  private async interpreterFor(mcp: PinnedMcp, config: PythonScriptConfig): Promise<string> {
    this.resolved ??= resolvePython(this.python).catch((error: unknown) => {
      this.resolved = undefined; // retry on the next run
      throw error;
    });
    const base = await this.resolved;
    if (config.requirements.length === 0) return base;
    this.venvs ??= new VenvCache({
      root: this.venvDir,
      python: base,
      installTimeoutMs: this.installTimeoutMs,
    });
    return this.venvs.pythonFor(mcp, config.requirements);
  }
}

function pythonScriptConfigOf(mcp: PinnedMcp): PythonScriptConfig {
  const kind = mcp.config.kind;
  if (kind.case !== "pythonScript") {
    throw new StepFailure(
      "UNSUPPORTED_MCP_TYPE",
      `the python_script runner cannot run a ${kind.case ?? "config-less"} MCP`,
    );
  }
  return kind.value;
}

/** For `script_path`, the path after checking it names a file; undefined for `script_content`. */
async function checkedScriptPath(config: PythonScriptConfig): Promise<string | undefined> {
  const source = config.source;
  if (source.case === "scriptContent") return undefined;
  if (source.case === undefined)
    throw new StepFailure("RUNNER_ERROR", "python_script config has no script_content or script_path");
  if (!isAbsolute(source.value))
    throw new StepFailure("RUNNER_ERROR", `script_path must be absolute, got ${source.value}`);
  const info = await stat(source.value).catch(() => undefined);
  if (!info?.isFile())
    throw new StepFailure("RUNNER_ERROR", `script_path ${source.value} is not a readable file`);
  return source.value;
}

function positiveOr(value: number | undefined, fallback: number): number {
  return value !== undefined && value > 0 ? value : fallback;
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
