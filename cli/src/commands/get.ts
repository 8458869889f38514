import { GetRunResponseSchema, type WorkflowRun } from "@mcp/proto/executor";
import { GetMcpResponseSchema, McpType } from "@mcp/proto/registry";
import { GetWorkflowResponseSchema } from "@mcp/proto/workflows";
import { runIdOf } from "../run-id.js";
import { call, type Context } from "../context.js";
import { enumLabel, formatTable, formatTime, messageJson, type OutputFormat } from "../output.js";
import { itemLines } from "../items.js";
import { runRow, RUN_HEADERS } from "./runs.js";
import { traceLines, usageLines } from "../usage-lines.js";
import { waitingLines } from "./signal.js";
import { parseKind } from "./resources.js";
import { usedByLines } from "./used-by.js";

export interface GetOptions {
  readonly output: OutputFormat;
  readonly version?: number;
  readonly label?: string;
}

/** `mcp get mcp|workflow|run NAME`: one resource (an MCP or workflow with its selected version). */
export async function get(ctx: Context, kindArg: string, name: string, opts: GetOptions): Promise<void> {
  const kind = parseKind(kindArg, ["mcp", "workflow", "run"]);
  if (kind === "mcp") {
    const selector =
      opts.version !== undefined
        ? ({ case: "version", value: opts.version } as const)
        : opts.label !== undefined
          ? ({ case: "label", value: opts.label } as const)
          : ({ case: undefined } as const);
    const res = await call(ctx, "registry", () =>
      ctx.clients.registry.getMcp({ mcp: { case: "name", value: name }, selector }),
    );
    if (opts.output === "json") return ctx.io.out(messageJson(GetMcpResponseSchema, res));
    const m = res.mcp!;
    const labels = Object.entries(m.labels)
      .map(([l, v]) => `${l}=${v}`)
      .join(",");
    ctx.io.out(
      formatTable(
        ["NAME", "TYPE", "VERSION", "LATEST", "LABELS", "TAGS", "UPDATED"],
        [
          [
            m.name,
            enumLabel(McpType[m.type], "MCP_TYPE_"),
            String(res.version?.version ?? "-"),
            String(m.latestVersion),
            labels || "-",
            m.tags.join(",") || "-",
            formatTime(m.updateTime),
          ],
        ],
      ),
    );
    const limit = res.version?.config?.maxConcurrency;
    if (limit !== undefined) ctx.io.out(`max_concurrency: ${limit} steps at once, cluster-wide`);
    if (m.deprecated) ctx.io.out("the latest version is deprecated");
    for (const line of await usedByLines(ctx, m.id)) ctx.io.out(line);
    return;
  }
  if (kind === "workflow") {
    const res = await call(ctx, "workflows", () =>
      ctx.clients.workflows.getWorkflow({
        workflow: { case: "name", value: name },
        selector: opts.version !== undefined ? { case: "version", value: opts.version } : { case: undefined },
      }),
    );
    if (opts.output === "json") return ctx.io.out(messageJson(GetWorkflowResponseSchema, res));
    const w = res.workflow!;
    const steps = res.version?.spec?.steps ?? [];
    ctx.io.out(
      formatTable(
        ["NAME", "VERSION", "CURRENT", "LATEST", "STEPS", "TAGS", "UPDATED"],
        [
          [
            w.name,
            String(res.version?.version ?? "-"),
            String(w.currentVersion),
            String(w.latestVersion),
            steps.map((s) => s.stepId).join(",") || "-",
            w.tags.join(",") || "-",
            formatTime(w.updateTime),
          ],
        ],
      ),
    );
    const key = res.version?.spec?.concurrencyKey;
    if (key) ctx.io.out(`concurrency_key: ${key} (one run per key at a time)`);
    return;
  }
  const id = await runIdOf(ctx, name);
  const res = await call(ctx, "executor", () => ctx.clients.executor.getRun({ id }));
  if (opts.output === "json") return ctx.io.out(messageJson(GetRunResponseSchema, res));
  ctx.io.out(formatTable(RUN_HEADERS, [runRow(res.run!)]));
  for (const line of waitingLines(res.run!)) ctx.io.out(line);
  for (const line of itemLines(res.run!)) ctx.io.out(line);
  for (const line of subWorkflowLines(res.run!)) ctx.io.out(line);
  for (const line of rerunLines(res.run!)) ctx.io.out(line);
  for (const line of concurrencyLines(res.run!)) ctx.io.out(line);
  for (const line of usageLines(res.run!)) ctx.io.out(line);
  for (const line of traceLines(res.run!)) ctx.io.out(line);
}

/** For a re-run: the run it re-runs, the step it re-ran from, and the steps it took over. */
function rerunLines(run: WorkflowRun): string[] {
  if (!run.rerunOfRunId) return [];
  const from = run.rerunFromStepId ? `from step ${run.rerunFromStepId}` : "every step";
  const reused = run.reusedStepIds.length ? `; reused from it: ${run.reusedStepIds.join(", ")}` : "";
  return [`re-run of run ${run.rerunOfRunId}, ${from}${reused}`];
}

/** The run's concurrency key and what a concurrency limit holds of it (ADR 018). */
function concurrencyLines(run: WorkflowRun): string[] {
  const lines = run.concurrencyKey ? [`concurrency key: ${run.concurrencyKey}`] : [];
  if (run.concurrencyWait) lines.push(`held: ${run.concurrencyWait}`);
  return lines;
}

/** The run's parent (a sub-workflow run) and the child runs of its `workflow` steps. */
function subWorkflowLines(run: WorkflowRun): string[] {
  const lines = run.parentStepId ? [`parent: run ${run.parentRunId}, step ${run.parentStepId}`] : [];
  for (const s of run.steps)
    if (s.childRunId) lines.push(`sub-workflow: step ${s.stepId} runs run ${s.childRunId}`);
  return lines;
}
