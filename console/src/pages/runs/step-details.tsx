import { StepLlmUsage } from "../../runs/llm-usage";
import { StepStatus, type StepRun } from "@mcp/proto/executor";
import { Link } from "react-router";
import { JsonView } from "../../components/json-view";
import { RunErrorView } from "../../components/run-result";
import { StepStatusBadge } from "../../components/step-status-badge";
import { isRunningStep } from "../../dag/live-status";
import { waitingText } from "../../dag/waits";
import { LiveLog } from "../../runs/live-log";
import { durationMs, formatDuration, formatTime } from "../../format/time";

/**
 * One step of a run: MCP, attempt, times, inputs, outputs, error, stdout and stderr; `reusedFrom`:
 * the run a re-run took the step over from, as it ended there.
 */
export function StepDetails({
  step,
  reusedFrom,
  runId,
}: {
  step: StepRun;
  reusedFrom?: string | undefined;
  /** The run's id: a running step's output is then followed live. */
  runId?: string | undefined;
}) {
  const took = durationMs(step.duration);
  return (
    <section aria-labelledby="step-heading" className="step-details">
      <h2 id="step-heading">
        Step {step.stepId} <StepStatusBadge step={step} />
      </h2>
      <dl className="facts">
        <dt>MCP</dt>
        <dd>
          {step.mcpName ? (
            <Link to={`/mcps/${encodeURIComponent(step.mcpName)}?version=${step.mcpVersion}`}>
              {step.mcpName} v{step.mcpVersion}
            </Link>
          ) : (
            "—"
          )}
        </dd>
        {reusedFrom && (
          <>
            <dt>Reused</dt>
            <dd>
              recorded as it ended in <Link to={`/runs/${reusedFrom}`}>run {reusedFrom.slice(0, 8)}</Link>;
              not run again
            </dd>
          </>
        )}
        {step.parentStepId && (
          <>
            <dt>{step.itemIndex !== undefined ? "Item of" : "Called by"}</dt>
            <dd>
              {step.parentStepId}
              {step.itemIndex !== undefined && ` (item ${step.itemIndex})`}
            </dd>
          </>
        )}
        {step.itemCount !== undefined && (
          <>
            <dt>Items</dt>
            <dd>{step.itemCount}</dd>
          </>
        )}
        {step.status === StepStatus.WAITING && (
          <>
            <dt>Waiting</dt>
            <dd>{waitingText(step)}</dd>
          </>
        )}
        {step.approval?.decided && (
          <>
            <dt>Decision</dt>
            <dd>
              {step.approval.approved ? "approved" : "rejected"} by {step.approval.decidedBy}
              {step.approval.comment ? `: ${step.approval.comment}` : ""}
              {` (${formatTime(step.approval.decideTime)})`}
            </dd>
          </>
        )}
        <dt>Attempt</dt>
        <dd>{step.attempt || "—"}</dd>
        <dt>Started</dt>
        <dd>{formatTime(step.startTime)}</dd>
        <dt>Finished</dt>
        <dd>{formatTime(step.finishTime)}</dd>
        <dt>Duration</dt>
        <dd>{took === undefined ? "—" : formatDuration(took)}</dd>
      </dl>
      <RunErrorView error={step.error} />
      <div className="columns">
        <div>
          <h3>Inputs</h3>
          <JsonView value={step.inputs} label={`Inputs of ${step.stepId}`} empty="No inputs." />
        </div>
        <div>
          <h3>Outputs</h3>
          <JsonView value={step.outputs} label={`Outputs of ${step.stepId}`} empty="No outputs." />
        </div>
      </div>
      <StepLlmUsage step={step} />
      {step.usage && (
        <>
          <h3>Usage</h3>
          <JsonView value={step.usage} label={`Usage of ${step.stepId}`} />
        </>
      )}
      {/* while the step runs its output is followed live; the record (written when it ends) after */}
      {runId !== undefined && isRunningStep(step.status) ? (
        <LiveLog runId={runId} stepId={step.stepId} />
      ) : (
        <>
          <h3>stdout{step.stdoutTruncated ? " (truncated: the end is kept)" : ""}</h3>
          <pre className="log" aria-label={`stdout of ${step.stepId}`} tabIndex={0}>
            {step.stdout || "(empty)"}
          </pre>
          <h3>stderr{step.stderrTruncated ? " (truncated: the end is kept)" : ""}</h3>
          <pre className="log" aria-label={`stderr of ${step.stepId}`} tabIndex={0}>
            {step.stderr || "(empty)"}
          </pre>
        </>
      )}
    </section>
  );
}
