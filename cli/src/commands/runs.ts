import { create } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { ListRunsResponseSchema, RunKind, RunView, type WorkflowRun } from "@mcp/proto/executor";
import { stepCounts } from "@mcp/wording";
import { call, type Context } from "../context.js";
import { runIdOf } from "../run-id.js";
import { formatTable, formatTime, messageJson, type OutputFormat } from "../output.js";
import { formatElapsed, runStatusName } from "../progress.js";

export const RUN_HEADERS = ["ID", "TARGET", "STATUS", "STEPS", "CREATED", "DURATION"];

/** One row of the runs table. */
export function runRow(run: WorkflowRun): string[] {
  const target =
    run.kind === RunKind.MCP
      ? `mcp/${run.mcpName} v${run.mcpVersion}`
      : `${run.workflowName} v${run.workflowVersion}`;
  const top = run.steps.filter((s) => s.parentStepId === "");
  const duration =
    run.startTime && run.finishTime
      ? formatElapsed(timestampMs(run.finishTime) - timestampMs(run.startTime))
      : "-";
  // ListRuns answers without steps; GetRun has them.
  const steps = stepCounts(top, "-");
  return [run.id, target, runStatusName(run.status), steps, formatTime(run.createTime), duration];
}

export interface RunsOptions {
  readonly output: OutputFormat;
  readonly workflow?: string;
  /** Only the sub-workflow runs this run started (ListRuns' `parent_run_id`). */
  readonly parent?: string;
  readonly limit: number;
}

/**
 * `mcp runs [--workflow NAME] [--parent RUN]`: the newest runs first; `-o json` with each run's inputs
 * and outputs (ListRuns' FULL view), the table without (BASIC).
 */
export async function runs(ctx: Context, opts: RunsOptions): Promise<void> {
  const found: WorkflowRun[] = [];
  let pageToken = "";
  const parent = opts.parent ? await runIdOf(ctx, opts.parent) : "";
  await call(ctx, "executor", async () => {
    do {
      const res = await ctx.clients.executor.listRuns({
        pageSize: Math.min(100, opts.limit - found.length),
        pageToken,
        filter: { workflow: opts.workflow ?? "", parentRunId: parent },
        // the table shows no inputs or outputs; JSON is for scripts, which get each run whole (but steps)
        view: opts.output === "json" ? RunView.FULL : RunView.BASIC,
      });
      found.push(...res.runs);
      pageToken = res.nextPageToken;
    } while (pageToken !== "" && found.length < opts.limit);
  });
  if (opts.output === "json") {
    return ctx.io.out(messageJson(ListRunsResponseSchema, create(ListRunsResponseSchema, { runs: found })));
  }
  ctx.io.out(formatTable(RUN_HEADERS, found.map(runRow)));
}
