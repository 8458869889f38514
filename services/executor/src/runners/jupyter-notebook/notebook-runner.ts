import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DEFAULT_MEMORY_LIMIT_MB, DEFAULT_NOTEBOOK_TIMEOUT_SECONDS, positiveOr } from "@mcp/mcp-types";
import { sandboxEnv, SandboxUnavailableError, type Sandbox } from "@mcp/sandbox";
import { bootstrapped, MEMORY_ERROR_EXIT_CODE } from "../../sandbox/python-bootstrap.js";
import { sharedPython } from "../../sandbox/resolve-python.js";
import { StepFailure, type Runner, type StepContext, type StepResult } from "../../step/index.js";
import { runnerConfigOf } from "../kind-config.js";
import { readScriptOutput } from "../output-file.js";
import { networkOf, readablePath, sandboxUnavailable, secretsEnv, stepLimits } from "../sandboxed-step.js";
import { notebookDriverSource, type DriverPlan } from "./driver.js";
import { planExecution } from "./execution-plan.js";
import { codeCellsOf, notebookText } from "./notebook-document.js";
import { parseProgress, settleNotebook } from "./notebook-outcome.js";

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
 * Runs `jupyter_notebook` MCPs papermill-style, with no Jupyter: a Python driver (driver.py)
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
  private readonly interpreter: () => Promise<string>;
  private readonly memoryLimitMb: number;
  private readonly outputCapBytes: number;

  constructor(options: NotebookRunnerOptions) {
    this.sandbox = options.sandbox;
    this.interpreter = sharedPython(options.sandbox, options.python ?? "python3");
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
    const config = runnerConfigOf(context.mcp, "jupyterNotebook");
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

    return this.sandbox.withWorkDir("mcp-notebook-", async (dir) => {
      const driver = join(dir, "driver.py");
      const planFile = join(dir, "plan.json");
      const resultFile = join(dir, "result.json");
      const progressFile = join(dir, "progress.json");
      const driverPlan: DriverPlan = {
        ...plan,
        captureBytes: this.outputCapBytes,
        progressPath: progressFile,
        memoryErrorExitCode: MEMORY_ERROR_EXIT_CODE,
      };
      await writeFile(driver, notebookDriverSource());
      await writeFile(planFile, JSON.stringify(driverPlan));
      const outcome = await this.sandbox.run({
        ...bootstrapped(python, driver, [planFile, resultFile], limits.process),
        workDir: dir,
        env: { ...sandboxEnv({ home: dir, basePath: this.sandbox.searchPath }), ...secretsEnv(context) },
        network: networkOf(context.mcp),
        limits: limits.process,
        timeoutMs: timeoutSeconds * 1000,
        signal: context.signal,
        outputCapBytes: this.outputCapBytes,
        // each cell's print() reaches the live log as the cell runs (the driver tees cell output to the
        // process's streams, unbuffered)
        ...(context.onOutput === undefined ? {} : { onOutput: context.onOutput }),
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
}

function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) {
    const reason = signal.reason instanceof Error ? `: ${signal.reason.message}` : "";
    throw new StepFailure("CANCELLED", `notebook cancelled before it started${reason}`);
  }
}
