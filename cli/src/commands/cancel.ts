import { call, type Context } from "../context.js";
import { runStatusName } from "../progress.js";

/** `mcp cancel RUN [--reason TEXT]`: cancels a pending or running run (CancelRun). */
export async function cancel(ctx: Context, runId: string, opts: { reason?: string }): Promise<void> {
  const res = await call(ctx, "executor", () =>
    ctx.clients.executor.cancelRun({ id: runId, reason: opts.reason ?? "" }),
  );
  ctx.io.out(`run ${runId} ${runStatusName(res.run!.status)}`);
}
