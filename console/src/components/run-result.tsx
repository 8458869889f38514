import type { RunError, WorkflowRun } from "@mcp/proto/executor";
import { Link } from "react-router";
import { runStatusName, runStatusTone } from "../format/enums";
import { JsonView } from "./json-view";
import { StatusBadge } from "./status-badge";

/** A run's or step's error: its code, message and step. */
export function RunErrorView({ error }: { error: RunError | undefined }) {
  if (!error) return null;
  return (
    <div role="alert" className="error-view">
      <p>
        {error.code && <code className="error-code">{error.code}</code>}{" "}
        <span className={`error-message${error.message.includes("\n") ? " multiline" : ""}`}>
          {error.message}
        </span>
      </p>
      {error.stepId && (
        <p>
          step: <code>{error.stepId}</code>
        </p>
      )}
      {error.details && Object.keys(error.details).length > 0 && (
        <JsonView value={error.details} label="Error details" />
      )}
    </div>
  );
}

/** The outcome of a one-MCP run ("Try it"): status, outputs, error, stdout and stderr. */
export function RunResult({ run }: { run: WorkflowRun }) {
  const step = run.steps[0];
  return (
    <div className="run-result" aria-live="polite">
      <p>
        <StatusBadge text={runStatusName(run.status)} tone={runStatusTone(run.status)} testId="try-status" />{" "}
        <Link to={`/runs/${run.id}`}>Open run {run.id.slice(0, 8)}</Link>
      </p>
      <RunErrorView error={run.error} />
      <h3>Outputs</h3>
      <JsonView value={run.outputs} label="Outputs" empty="No outputs." />
      {step && step.error && step.error.message !== run.error?.message && <RunErrorView error={step.error} />}
      <h3>stdout</h3>
      <pre className="log" aria-label="stdout" tabIndex={0}>
        {step?.stdout || "(empty)"}
      </pre>
      <h3>stderr</h3>
      <pre className="log" aria-label="stderr" tabIndex={0}>
        {step?.stderr || "(empty)"}
      </pre>
    </div>
  );
}
