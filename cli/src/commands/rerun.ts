import { call, type Context } from "../context.js";
import type { ExitCode } from "../errors.js";
import type { OutputFormat } from "../output.js";
import { followRun } from "./run.js";

export interface RerunOptions {
  /** The step to re-run from; unset = every step. */
  readonly from?: string;
  /** Re-resolve the re-run steps' MCPs to their `production` label (`--label production`). */
  readonly latest?: boolean;
  /** Re-resolve the re-run steps' MCPs to this label. */
  readonly label?: string;
  readonly requestId?: string;
  readonly detach: boolean;
  readonly output: OutputFormat;
}

/**
 * `mcp rerun RUN [--from STEP] [--latest]`: re-runs a finished run as a new run (RerunRun) — the
 * steps not downstream of STEP keep their recorded outputs — then follows it like `mcp run`.
 */
export async function rerun(ctx: Context, runId: string, opts: RerunOptions): Promise<ExitCode> {
  const startedAt = Date.now();
  const res = await call(ctx, "executor", () =>
    ctx.clients.executor.rerunRun({
      runId,
      fromStepId: opts.from ?? "",
      resolveLabel: opts.label ?? (opts.latest ? "production" : ""),
      requestId: opts.requestId ?? "",
    }),
  );
  const run = res.run!;
  const from = run.rerunFromStepId ? `from step ${run.rerunFromStepId}` : "every step";
  const reused = run.reusedStepIds.length ? `; reused: ${run.reusedStepIds.join(", ")}` : "";
  ctx.io.err(
    `run ${run.id} ${res.created ? "started" : "already exists"}: re-run of ${runId}, ${from}${reused}`,
  );
  return followRun(ctx, run, opts, startedAt);
}
