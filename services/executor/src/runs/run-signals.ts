import type { JsonValue, RunWaits, WorkflowRunEntity } from "@mcp/db";
import { FailedPreconditionError, NotFoundError } from "@mcp/errors";
import type { WorkflowRun } from "@mcp/proto/executor";
import type { RunEvents } from "../events/run-events.js";
import type { RunReader } from "./run-reader.js";

/** Who decided or sent, when API keys are off. */
export const ANONYMOUS = "anonymous";

/**
 * SignalRun and DecideApproval: what reaches a run's waiting steps from outside (engine/waiting.ts).
 * A signal is kept until a `wait_for_signal` step of its name receives it (each once, in send order;
 * once per `request_id`); a decision is kept on the approval step's row, also when it comes before the
 * step waits. Either wakes a parked run at once when a step waits for it (`RunWaits`, and a wake-up
 * to every executor), which then resumes it. Finished runs are FAILED_PRECONDITION (RUN_FINISHED).
 */
export class RunSignals {
  constructor(
    private readonly waits: RunWaits,
    private readonly reader: RunReader,
    private readonly events: RunEvents,
  ) {}

  async signal(input: {
    /** The caller's workspace: a run of another is NOT_FOUND. */
    workspace: string;
    runId: string;
    signal: string;
    payload: JsonValue | null;
    requestId: string;
    sentBy: string | undefined;
  }): Promise<{ run: WorkflowRun; delivered: boolean }> {
    await this.reader.get(input.workspace, input.runId);
    const sent = await this.waits.sendSignal({
      runId: input.runId,
      signal: input.signal,
      payload: input.payload,
      requestId: input.requestId || null,
      sentBy: input.sentBy ?? ANONYMOUS,
    });
    if (!sent) throw new NotFoundError("run", input.runId);
    if (!sent.recorded) throw runFinished(sent.run, "signalled");
    if (sent.delivered) await this.events.wake(input.runId);
    return { run: await this.reader.get(input.workspace, input.runId), delivered: sent.delivered };
  }

  async decide(input: {
    /** The caller's workspace: a run of another is NOT_FOUND. */
    workspace: string;
    runId: string;
    stepId: string;
    approve: boolean;
    comment: string;
    decidedBy: string | undefined;
  }): Promise<WorkflowRun> {
    await this.reader.get(input.workspace, input.runId);
    const result = await this.waits.decide({
      runId: input.runId,
      stepId: input.stepId,
      approved: input.approve,
      comment: input.comment,
      decidedBy: input.decidedBy ?? ANONYMOUS,
    });
    switch (result.kind) {
      case "no-run":
        throw new NotFoundError("run", input.runId);
      case "no-step":
        throw new NotFoundError(
          "approval step",
          input.stepId,
          `run "${input.runId}" has no approval step of that id`,
        );
      case "finished":
        throw runFinished(result.run, "decided on");
      case "decided": {
        const { decision } = result;
        if (!result.now && decision.approved !== input.approve) {
          throw new FailedPreconditionError(
            `approval step "${input.stepId}" of run "${input.runId}" was already ${decision.approved ? "approved" : "rejected"} by ${decision.decidedBy}`,
            "ALREADY_DECIDED",
            { run_id: input.runId, step_id: input.stepId, decided_by: decision.decidedBy },
          );
        }
        // a decision for a step that waits now wakes the run (RunWaits.decide pokes it)
        if (result.now) await this.events.wake(input.runId);
        return this.reader.get(input.workspace, input.runId);
      }
    }
  }
}

function runFinished(run: WorkflowRunEntity, what: string): FailedPreconditionError {
  return new FailedPreconditionError(
    `run "${run.id}" already finished (${run.status}); only a pending or running run can be ${what}`,
    "RUN_FINISHED",
    { run_id: run.id, status: run.status },
  );
}
