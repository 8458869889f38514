import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import { timestampDate, ValueSchema } from "@bufbuild/protobuf/wkt";
import { StepKind, StepStatus, type StepRun, type WorkflowRun } from "@mcp/proto/executor";
import { call, type Context } from "../context.js";
import { CliError, ExitCode } from "../errors.js";
import { runStatusName } from "../progress.js";

export interface SignalOptions {
  /** The payload as JSON; unset = null. */
  readonly data?: string;
  readonly requestId?: string;
}

/** `mcp signal RUN NAME --data JSON`: sends a signal; says whether a waiting step received it now. */
export async function signal(ctx: Context, runId: string, name: string, opts: SignalOptions): Promise<void> {
  let payload: JsonValue = null;
  if (opts.data !== undefined) {
    try {
      payload = JSON.parse(opts.data) as JsonValue;
    } catch (err) {
      throw new CliError(`--data is not JSON: ${(err as Error).message}`, ExitCode.USAGE);
    }
  }
  const res = await call(ctx, "executor", () =>
    ctx.clients.executor.signalRun({
      runId,
      signal: name,
      payload: fromJson(ValueSchema, payload),
      requestId: opts.requestId ?? "",
    }),
  );
  ctx.io.out(
    res.delivered
      ? `signal ${name} sent to run ${runId}: a waiting step receives it`
      : `signal ${name} sent to run ${runId}: kept until a step waits for it (run ${runStatusName(res.run!.status)})`,
  );
}

/** `mcp approve|reject RUN STEP [--comment TEXT]`: decides a waiting (or not yet waiting) approval step. */
export async function decide(
  ctx: Context,
  runId: string,
  stepId: string,
  approve: boolean,
  opts: { comment?: string },
): Promise<void> {
  const res = await call(ctx, "executor", () =>
    ctx.clients.executor.decideApproval({ runId, stepId, approve, comment: opts.comment ?? "" }),
  );
  const step = res.run?.steps.find((s) => s.stepId === stepId && s.parentStepId === "");
  const decision = step?.approval;
  const by = decision?.decidedBy ? ` by ${decision.decidedBy}` : "";
  ctx.io.out(`step ${stepId} of run ${runId} ${decision?.approved ? "approved" : "rejected"}${by}`);
}

/** What a waiting step waits for, one line each (`mcp get run`). */
export function waitingLines(run: WorkflowRun): string[] {
  return run.steps
    .filter((s) => s.status === StepStatus.WAITING && s.parentStepId === "")
    .map((s) => `waiting: step ${s.stepId} ${waitsFor(s, run.id)}`);
}

function waitsFor(s: StepRun, runId: string): string {
  const until = s.wakeTime ? timestampDate(s.wakeTime).toISOString() : undefined;
  switch (s.kind) {
    case StepKind.SLEEP:
      return `sleeps until ${until ?? "?"}`;
    case StepKind.WAIT_FOR_SIGNAL:
      return `waits for signal ${s.signal}${until ? ` (until ${until})` : ""}: mcp signal ${runId} ${s.signal} --data JSON`;
    case StepKind.APPROVAL:
      return `waits for approval: ${JSON.stringify(s.approval?.prompt ?? "")}${until ? ` (until ${until})` : ""}: mcp approve|reject ${runId} ${s.stepId}`;
    case StepKind.WORKFLOW:
      return s.childRunId
        ? `waits for its sub-workflow run ${s.childRunId}: mcp get run ${s.childRunId}`
        : `waits for the sub-workflow runs of its items: mcp runs --parent ${runId}`;
    default:
      return "waits";
  }
}
