import { call, type Context } from "../context.js";
import { stepStatusName } from "../progress.js";

/** `mcp logs RUN [--step ID]`: each step's captured stdout and stderr, in the order the steps ran. */
export async function logs(ctx: Context, runId: string, opts: { step?: string }): Promise<void> {
  const res = await call(ctx, "executor", () => ctx.clients.executor.getRun({ id: runId }));
  const steps = (res.run?.steps ?? []).filter((s) => opts.step === undefined || s.stepId === opts.step);
  if (steps.length === 0) {
    ctx.io.err(
      opts.step === undefined ? `run ${runId} has no steps yet` : `run ${runId} has no step "${opts.step}"`,
    );
    return;
  }
  for (const s of steps) {
    const name = s.parentStepId === "" ? s.stepId : `${s.parentStepId}/${s.stepId}`;
    const attempt = s.attempt > 1 ? `, attempt ${s.attempt}` : "";
    ctx.io.out(`==> step ${name} (${s.mcpName} v${s.mcpVersion}, ${stepStatusName(s.status)}${attempt}) <==`);
    stream(ctx, "stdout", s.stdout, s.stdoutTruncated);
    stream(ctx, "stderr", s.stderr, s.stderrTruncated);
    if (s.error) ctx.io.out(`--- error ---\n${s.error.code}: ${s.error.message}`);
  }
}

function stream(ctx: Context, label: string, text: string, truncated: boolean): void {
  if (text === "") return ctx.io.out(`--- ${label}: (empty) ---`);
  ctx.io.out(`--- ${label}${truncated ? " (truncated)" : ""} ---`);
  ctx.io.out(text.replace(/\n$/, ""));
}
