import type { StepRun } from "@mcp/proto/executor";
import { Link } from "react-router";
import { JsonView } from "../../components/json-view";
import { RunErrorView } from "../../components/run-result";
import { StatusBadge } from "../../components/status-badge";
import { stepStatusName, stepStatusTone } from "../../format/enums";
import { durationMs, formatDuration, formatTime } from "../../format/time";

/** One step of a run: MCP, attempt, times, inputs, outputs, error, stdout and stderr. */
export function StepDetails({ step }: { step: StepRun }) {
  const took = durationMs(step.duration);
  return (
    <section aria-labelledby="step-heading" className="step-details">
      <h2 id="step-heading">
        Step {step.stepId}{" "}
        <StatusBadge text={stepStatusName(step.status)} tone={stepStatusTone(step.status)} />
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
        {step.parentStepId && (
          <>
            <dt>Called by</dt>
            <dd>{step.parentStepId}</dd>
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
      {step.usage && (
        <>
          <h3>Usage</h3>
          <JsonView value={step.usage} label={`Usage of ${step.stepId}`} />
        </>
      )}
      <h3>stdout{step.stdoutTruncated ? " (truncated: the end is kept)" : ""}</h3>
      <pre className="log" aria-label={`stdout of ${step.stepId}`} tabIndex={0}>
        {step.stdout || "(empty)"}
      </pre>
      <h3>stderr{step.stderrTruncated ? " (truncated: the end is kept)" : ""}</h3>
      <pre className="log" aria-label={`stderr of ${step.stepId}`} tabIndex={0}>
        {step.stderr || "(empty)"}
      </pre>
    </section>
  );
}
