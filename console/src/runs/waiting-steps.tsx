import { StepKind, StepStatus, type WorkflowRun } from "@mcp/proto/executor";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useClients } from "../api/context";
import { ErrorView } from "../components/error-view";
import { waitingText } from "../dag/waits";

/**
 * The run's waiting steps (sleep, signal, approval; the run holds no executor meanwhile) and what each
 * waits for; an approval step waiting for a decision gets Approve / Reject with an optional comment
 * (DecideApproval, recorded with who decided). Nothing when no step waits.
 */
export function WaitingSteps({ run }: { run: WorkflowRun }) {
  const waiting = run.steps.filter((s) => s.status === StepStatus.WAITING && s.parentStepId === "");
  if (waiting.length === 0) return null;
  return (
    <section aria-labelledby="waiting-heading" className="waiting-steps">
      <h2 id="waiting-heading">Waiting</h2>
      <ul>
        {waiting.map((s) => (
          <li key={s.stepId} data-testid={`waiting-${s.stepId}`}>
            <strong>{s.stepId}</strong> {waitingText(s)}
            {s.kind === StepKind.APPROVAL && !s.approval?.decided && (
              <ApprovalForm runId={run.id} stepId={s.stepId} />
            )}
            {s.kind === StepKind.APPROVAL && s.approval?.decided && (
              <p className="hint">
                {s.approval.approved ? "Approved" : "Rejected"} by {s.approval.decidedBy}; resuming…
              </p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function ApprovalForm({ runId, stepId }: { runId: string; stepId: string }) {
  const { executor } = useClients();
  const [comment, setComment] = useState("");
  const decide = useMutation({
    mutationFn: (approve: boolean) => executor.decideApproval({ runId, stepId, approve, comment }),
  });
  return (
    <>
      <div className="approval-form">
        <input
          type="text"
          aria-label={`Comment on ${stepId}`}
          placeholder="Comment (optional)"
          maxLength={2000}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          disabled={decide.isPending || decide.isSuccess}
        />
        <button
          type="button"
          onClick={() => decide.mutate(true)}
          disabled={decide.isPending || decide.isSuccess}
        >
          Approve
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => decide.mutate(false)}
          disabled={decide.isPending || decide.isSuccess}
        >
          Reject
        </button>
      </div>
      {decide.isSuccess && <p className="hint">Decision recorded; the run resumes.</p>}
      {decide.isError && <ErrorView error={decide.error} title="DecideApproval failed" />}
    </>
  );
}
