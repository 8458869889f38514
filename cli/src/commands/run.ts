import { usageLines } from "../usage-lines.js";
import { GetRunResponseSchema, isFinalRunStatus, RunStatus, type WorkflowRun } from "@mcp/proto/executor";
import { call, type Context } from "../context.js";
import { CliError, ExitCode } from "../errors.js";
import { InputError, parseInputs } from "../inputs.js";
import { messageJson, type OutputFormat } from "../output.js";
import { createProgressDisplay } from "../progress-display.js";
import { formatElapsed, formatProgress, runStatusName, RunProgress } from "../progress.js";

export interface RunOptions {
  readonly input: readonly string[];
  readonly inputJson: readonly string[];
  readonly version?: number;
  readonly requestId?: string;
  readonly detach: boolean;
  readonly output: OutputFormat;
}

/** How many times a watch that ends early (an executor restarting, say) is resumed. */
const MAX_REWATCHES = 5;

/**
 * `mcp run WORKFLOW --input k=v`: starts a run, follows it live through WatchRun (progress on stderr),
 * then prints the outcome and outputs on stdout. Returns the exit code: 0 when the run succeeded, 1
 * when it failed, was cancelled or only partly succeeded.
 */
export async function run(ctx: Context, workflow: string, opts: RunOptions): Promise<ExitCode> {
  let inputs;
  try {
    inputs = parseInputs(opts.input, opts.inputJson);
  } catch (err) {
    if (err instanceof InputError) throw new CliError(err.message, ExitCode.USAGE);
    throw err;
  }
  const startedAt = Date.now();
  const started = await call(ctx, "executor", () =>
    ctx.clients.executor.executeWorkflow({
      workflow: { workflow: { case: "name", value: workflow }, version: opts.version },
      inputs,
      requestId: opts.requestId ?? "",
    }),
  );
  const first = started.run!;
  ctx.io.err(
    `run ${first.id} ${started.created ? "started" : "already exists"} (${first.workflowName} v${first.workflowVersion})`,
  );
  return followRun(ctx, first, opts, startedAt);
}

/**
 * Follows a just-started run live (progress on stderr) and prints its outcome; with `detach`, prints
 * its id at once. Returns the exit code: 0 when the run succeeded, 1 otherwise.
 */
export async function followRun(
  ctx: Context,
  first: WorkflowRun,
  opts: { readonly detach: boolean; readonly output: OutputFormat },
  startedAt: number,
): Promise<ExitCode> {
  if (opts.detach) {
    ctx.io.out(first.id);
    return ExitCode.OK;
  }
  const progress = new RunProgress(await plannedSteps(ctx, first));
  const display = createProgressDisplay(ctx.io.errStream, progress, startedAt);
  const aborter = new AbortController();
  const onSignal = () => aborter.abort();
  process.once("SIGINT", onSignal);
  try {
    await follow(ctx, first.id, progress, (what) => display.event(what), aborter.signal);
  } finally {
    process.off("SIGINT", onSignal);
    display.stop();
  }
  if (aborter.signal.aborted) {
    ctx.io.err(`stopped watching; the run goes on: mcp get run ${first.id}, mcp logs ${first.id}`);
    return ExitCode.FAILED;
  }
  const final = await call(ctx, "executor", () => ctx.clients.executor.getRun({ id: first.id }));
  const done = final.run!;
  progress.snapshot(done);
  const elapsed = Date.now() - startedAt;
  if (opts.output === "json") ctx.io.out(messageJson(GetRunResponseSchema, final));
  else report(ctx, done, progress, elapsed);
  return done.status === RunStatus.SUCCEEDED ? ExitCode.OK : ExitCode.FAILED;
}

/** The pinned workflow version's step count (0 when it cannot be read: the display then counts what it sees). */
async function plannedSteps(ctx: Context, run: WorkflowRun): Promise<number> {
  try {
    const res = await ctx.clients.workflows.getWorkflow({
      workflow: { case: "name", value: run.workflowName },
      selector:
        run.workflowVersion > 0 ? { case: "version", value: run.workflowVersion } : { case: undefined },
    });
    return res.version?.spec?.steps.length ?? 0;
  } catch {
    return 0;
  }
}

/** Streams WatchRun until the run ends, resuming a watch that ends before that. */
async function follow(
  ctx: Context,
  runId: string,
  progress: RunProgress,
  onEvent: (what: string) => void,
  signal: AbortSignal,
): Promise<void> {
  for (let attempt = 0; attempt <= MAX_REWATCHES && !signal.aborted; attempt++) {
    try {
      await call(ctx, "executor", async () => {
        for await (const res of ctx.clients.executor.watchRun({ id: runId }, { signal })) {
          const event = res.event;
          if (!event) continue;
          // what happened before this watch began (or while it was away) is told step by step first
          if (event.event.case === "runSnapshot") {
            for (const step of progress.unseen(event.event.value)) onEvent(progress.applyStep(step));
          }
          onEvent(progress.apply(event));
        }
      });
    } catch (err) {
      if (signal.aborted) return;
      if (attempt === MAX_REWATCHES) throw err;
    }
    if (isFinalRunStatus(progress.view().status)) return;
    await new Promise((resolve) => setTimeout(resolve, 250 * (attempt + 1)));
  }
}

function report(ctx: Context, run: WorkflowRun, progress: RunProgress, elapsedMs: number): void {
  const view = progress.view();
  const summary = `run ${run.id} ${runStatusName(run.status)} · ${formatProgress(view, elapsedMs)}`;
  if (run.status === RunStatus.SUCCEEDED) {
    ctx.io.out(summary);
  } else {
    ctx.io.err(summary);
    if (run.error) {
      const where = run.error.stepId ? `step ${run.error.stepId}: ` : "";
      ctx.io.err(`error: ${where}${run.error.code}: ${run.error.message}`);
    }
    ctx.io.err(`step logs: mcp logs ${run.id}`);
  }
  const outputs = run.outputs ?? {};
  if (Object.keys(outputs).length > 0) ctx.io.out(`outputs:\n${JSON.stringify(outputs, null, 2)}`);
  for (const line of usageLines(run)) ctx.io.err(line);
  ctx.io.err(`finished in ${formatElapsed(elapsedMs)}`);
}
