import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { JupyterNotebookConfig } from "@mcp/proto/registry";
import { sandboxEnv, SandboxUnavailableError, withTempDir, type Sandbox } from "@mcp/sandbox";
import { bootstrapArgs } from "../sandbox/python-bootstrap.js";
import { resolvePython } from "../sandbox/resolve-python.js";
import { NOTEBOOK_DRIVER, type DriverPlan } from "./notebook/driver.js";
import { planExecution } from "./notebook/execution-plan.js";
import { codeCellsOf, notebookText } from "./notebook/notebook-document.js";
import { parseProgress, settleNotebook } from "./notebook/notebook-outcome.js";
import { readScriptOutput } from "./python-script-outcome.js";
import { DEFAULT_MEMORY_LIMIT_MB } from "./python-script-runner.js";
import { StepFailure, type PinnedMcp, type Runner, type StepContext, type StepResult } from "../step/index.js";
import { networkOf, readablePath, sandboxUnavailable, secretsEnv, stepLimits } from "./sandboxed-step.js";

export const DEFAULT_NOTEBOOK_TIMEOUT_SECONDS = 300;
/** Default cap on what is kept per stream: of the process's stdout/stderr, and of the cells' captures together. */
export const DEFAULT_NOTEBOOK_CAPTURE_BYTES = 64 * 1024;

/** Options of {@link NotebookRunner}. */
export interface NotebookRunnerOptions {
  /** Where notebooks run. */
  readonly sandbox: Sandbox;
  /** The interpreter (a name on PATH or a path), resolved once to its `sys.executable`; default `python3`. */
  readonly python?: string;
  /** Address-space cap of the notebook process (the config has none); default as for python_script, 512 MiB. */
  readonly memoryLimitMb?: number;
  /**
   * Cap on the captured process stdout and stderr, each (the step record), and on the per-cell
   * stdout, stderr and results, each summed over all cells; default 64 KiB. The head is kept.
   */
  readonly outputCapBytes?: number;
}

/**
 * Runs `jupyter_notebook` MCPs papermill-style, with no Jupyter: a Python driver (./notebook/driver.ts)
 * executes the notebook's code cells (or `cells_to_execute`) in ONE python3 process and one namespace,
 * after injecting `config.parameters` overridden by the step inputs as a cell of assignments placed after
 * the cell tagged `parameters` (else before the first code cell). Same sandbox as python_script
 * (killed on timeout (TIMEOUT) or abort (CANCELLED), memory cap, limits, network per the version,
 * its secrets as environment variables, capped capture, a temp working dir removed afterwards).
 * IPython magics and `!` shell lines are refused.
 *
 * Outputs: each of `output_variables` (its value as `json.dumps` would write it; a value that is not
 * JSON-serialisable, NaN included, fails with INVALID_OUTPUT, as does a variable the notebook never
 * defined), plus `_cells`: one `{index, notebookIndex, stdout, stderr, result, truncated}` per code cell
 * run, in run order (`index` among code cells, `notebookIndex` among all cells, `result` the `repr` of
 * the cell's trailing expression unless None or `;`-suppressed, else null). A cell that raises or does
 * not compile fails with SCRIPT_REPORTED_FAILURE naming both indexes and quoting the traceback.
 */
export class NotebookRunner implements Runner {
  private readonly sandbox: Sandbox;
  private readonly python: string;
  private readonly memoryLimitMb: number;
  private readonly outputCapBytes: number;
  private resolved: Promise<string> | undefined;

  constructor(options: NotebookRunnerOptions) {
    this.sandbox = options.sandbox;
    this.python = options.python ?? "python3";
    this.memoryLimitMb = options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
    this.outputCapBytes = options.outputCapBytes ?? DEFAULT_NOTEBOOK_CAPTURE_BYTES;
  }

  async run(context: StepContext): Promise<StepResult> {
    try {
      return await this.attempt(context);
    } catch (error) {
      if (error instanceof SandboxUnavailableError) throw sandboxUnavailable(error);
      throw StepFailure.from(error, "RUNNER_ERROR", "notebook runner failed: ");
    }
  }

  private async attempt(context: StepContext): Promise<StepResult> {
    const config = notebookConfigOf(context.mcp);
    const readable = (path: string) => readablePath(this.sandbox, path, "notebook_path");
    const plan = planExecution(
      codeCellsOf(await notebookText(config.source, readable)),
      config,
      context.inputs,
    );
    const timeoutSeconds = positiveOr(config.timeoutSeconds, DEFAULT_NOTEBOOK_TIMEOUT_SECONDS);
    const limits = stepLimits(this.sandbox, { timeoutSeconds, memoryLimitMb: this.memoryLimitMb });
    throwIfCancelled(context.signal);
    const python = await this.interpreter();
    throwIfCancelled(context.signal);

    return withTempDir("mcp-notebook-", async (dir) => {
      await this.sandbox.workDir(dir);
      const driver = join(dir, "driver.py");
      const planFile = join(dir, "plan.json");
      const resultFile = join(dir, "result.json");
      const progressFile = join(dir, "progress.json");
      const driverPlan: DriverPlan = {
        ...plan,
        captureBytes: this.outputCapBytes,
        progressPath: progressFile,
      };
      await writeFile(driver, NOTEBOOK_DRIVER);
      await writeFile(planFile, JSON.stringify(driverPlan));
      const outcome = await this.sandbox.run({
        command: python,
        args: bootstrapArgs(driver, [planFile, resultFile], limits.process),
        setsOwnLimits: true,
        workDir: dir,
        env: { ...sandboxEnv({ home: dir, basePath: this.sandbox.searchPath }), ...secretsEnv(context) },
        network: networkOf(context.mcp),
        limits: limits.process,
        timeoutMs: timeoutSeconds * 1000,
        signal: context.signal,
        outputCapBytes: this.outputCapBytes,
      });
      const progress = await readScriptOutput(progressFile);
      const running = parseProgress(progress.kind === "text" ? progress.text : undefined);
      return settleNotebook(
        outcome,
        await readScriptOutput(resultFile),
        running,
        limits.step,
        context.signal.reason,
      );
    });
  }

  private interpreter(): Promise<string> {
    this.resolved ??= resolvePython(this.sandbox, this.python).catch((error: unknown) => {
      this.resolved = undefined; // retry on the next run
      throw error;
    });
    return this.resolved;
  }
}

function notebookConfigOf(mcp: PinnedMcp): JupyterNotebookConfig {
  const kind = mcp.config.kind;
  if (kind.case !== "jupyterNotebook") {
    throw new StepFailure(
      "UNSUPPORTED_MCP_TYPE",
      `the jupyter_notebook runner cannot run a ${kind.case ?? "config-less"} MCP`,
    );
  }
  return kind.value;
}

function positiveOr(value: number | undefined, fallback: number): number {
  return value !== undefined && value > 0 ? value : fallback;
}

function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) {
    const reason = signal.reason instanceof Error ? `: ${signal.reason.message}` : "";
    throw new StepFailure("CANCELLED", `notebook cancelled before it started${reason}`);
  }
}
