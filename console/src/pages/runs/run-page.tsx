import { isFinalRunStatus, RunKind, type WorkflowRun } from "@mcp/proto/executor";
import { stepCounts } from "@mcp/wording";
import { useMutation } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { useApi } from "../../api/context";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { ErrorView } from "../../components/error-view";
import { JsonView } from "../../components/json-view";
import { RunErrorView } from "../../components/run-result";
import { StatusBadge } from "../../components/status-badge";
import { Loading } from "../../components/states";
import { TimelineView } from "../../components/timeline-view";
import { useNow } from "../../components/use-now";
import { runStatusName, runStatusTone } from "../../format/enums";
import { formatDuration, formatTime, ms } from "../../format/time";
import { useWatchRun, type WatchPhase } from "../../runs/use-watch-run";
import { layoutTimeline } from "../../timeline/layout";
import { ForEachItems } from "../../runs/for-each-items";
import { RerunDialog } from "../../runs/rerun-dialog";
import { WaitingSteps } from "../../runs/waiting-steps";
import { RunGraph } from "../../runs/run-graph";
import { isShortRunId, ShortRunId } from "../../runs/short-run-id";
import { StepDetails } from "./step-details";
import { RunLlmUsage, RunTrace } from "../../runs/llm-usage";

/** Sub-workflow runs linked in the header; a for_each over a sub-workflow may have thousands. */
const MAX_CHILD_LINKS = 10;

const PHASE_TEXT: Record<WatchPhase, string> = {
  connecting: "connecting…",
  live: "live",
  reconnecting: "connection lost, reconnecting…",
  finished: "finished",
  failed: "not following (see the error)",
};

/** A run, followed live: status, inputs, outputs, error, timeline, step details and Cancel. */
export function RunPage() {
  const { id = "" } = useParams();
  if (isShortRunId(id)) return <ShortRunId key={id} prefix={id} />;
  return <RunView key={id} id={id} />;
}

function RunView({ id }: { id: string }) {
  const { state, phase, error } = useWatchRun(id);
  const run = state.run;
  if (!run) {
    return (
      <>
        <h1>Run {id}</h1>
        {phase === "failed" || error !== undefined ? (
          <ErrorView error={error} title={`Could not follow run ${id}`} />
        ) : (
          <Loading what="run" />
        )}
      </>
    );
  }
  return <RunDetails run={run} attempts={state.attempts} phase={phase} streamError={error} />;
}

function RunDetails({
  run,
  attempts,
  phase,
  streamError,
}: {
  run: WorkflowRun;
  attempts: Parameters<typeof layoutTimeline>[1];
  phase: WatchPhase;
  streamError: unknown;
}) {
  const { clients, config } = useApi();
  const { executor } = clients;
  const [params, setParams] = useSearchParams();
  const [confirming, setConfirming] = useState(false);
  /** The step a re-run is being asked for ("" = every step); undefined = no dialog. */
  const [rerunFrom, setRerunFrom] = useState<string>();
  const reused = useMemo(() => new Set(run.reusedStepIds), [run.reusedStepIds]);
  const terminal = isFinalRunStatus(run.status);
  const now = useNow(terminal ? null : 500);
  const startMs = ms(run.startTime) ?? ms(run.createTime);
  const endMs = ms(run.finishTime);
  const timeline = useMemo(
    () => layoutTimeline(run.steps, attempts, terminal ? (endMs ?? now) : now, { startMs, endMs }),
    [run.steps, attempts, terminal, endMs, now, startMs],
  );
  const selectedId = params.get("step") ?? undefined;
  const selected = run.steps.find((s) => s.stepId === selectedId);
  const select = useCallback(
    (stepId: string) => {
      const p = new URLSearchParams(params);
      if (stepId === selectedId) p.delete("step");
      else p.set("step", stepId);
      setParams(p, { replace: true });
    },
    [params, selectedId, setParams],
  );
  const cancel = useMutation({
    mutationFn: () => executor.cancelRun({ id: run.id, reason: "cancelled from the console" }),
    onSettled: () => setConfirming(false),
  });
  const took = startMs !== undefined ? (endMs ?? now) - startMs : undefined;

  return (
    <>
      <p className="breadcrumbs">
        <Link to="/runs">Runs</Link> / {run.id}
      </p>
      <div className="page-head">
        <h1>
          Run {run.id.slice(0, 8)}{" "}
          <StatusBadge
            text={runStatusName(run.status)}
            tone={runStatusTone(run.status)}
            testId="run-status"
          />
        </h1>
        {!terminal && (
          <button
            type="button"
            className="danger"
            onClick={() => setConfirming(true)}
            disabled={cancel.isPending}
          >
            Cancel run
          </button>
        )}
        {terminal && (
          <button type="button" onClick={() => setRerunFrom("")}>
            Re-run
          </button>
        )}
      </div>
      <p className="hint" role="status">
        Updates: {PHASE_TEXT[phase]}
      </p>
      {streamError !== undefined && phase !== "live" && (
        <ErrorView
          error={streamError}
          title={phase === "failed" ? "WatchRun failed" : "WatchRun interrupted"}
        />
      )}
      {cancel.isError && <ErrorView error={cancel.error} title="CancelRun failed" />}
      <dl className="facts">
        <dt>Run id</dt>
        <dd>
          <code>{run.id}</code>
        </dd>
        <dt>Steps</dt>
        <dd data-testid="step-counts">
          {stepCounts(
            run.steps.filter((s) => s.parentStepId === ""),
            "none yet",
          )}
        </dd>
        {run.kind === RunKind.MCP ? (
          <>
            <dt>MCP</dt>
            <dd>
              <Link to={`/mcps/${encodeURIComponent(run.mcpName)}?version=${run.mcpVersion}`}>
                {run.mcpName} v{run.mcpVersion}
              </Link>
            </dd>
          </>
        ) : (
          <>
            <dt>Workflow</dt>
            <dd>
              <Link to={`/workflows/${encodeURIComponent(run.workflowName)}?version=${run.workflowVersion}`}>
                {run.workflowName} v{run.workflowVersion}
              </Link>
            </dd>
          </>
        )}
        <dt>Created</dt>
        <dd>{formatTime(run.createTime)}</dd>
        <dt>Started</dt>
        <dd>{formatTime(run.startTime)}</dd>
        <dt>Finished</dt>
        <dd>{formatTime(run.finishTime)}</dd>
        <dt>Duration</dt>
        <dd>{took === undefined ? "—" : `${formatDuration(took)}${terminal ? "" : " so far"}`}</dd>
        <RunLlmUsage run={run} />
        <RunTrace run={run} traceUrl={config.traceUrl} />
        <dt>Request id</dt>
        <dd>
          <code>{run.requestId}</code>
        </dd>
        {run.concurrencyKey && (
          <>
            <dt>Concurrency key</dt>
            <dd>
              <code>{run.concurrencyKey}</code>
            </dd>
          </>
        )}
        {run.concurrencyWait && (
          <>
            <dt>Held by a concurrency limit</dt>
            <dd data-testid="concurrency-wait">{run.concurrencyWait}</dd>
          </>
        )}
        {run.parentStepId && (
          <>
            <dt>Parent run</dt>
            <dd>
              <Link to={`/runs/${run.parentRunId}`}>Run {run.parentRunId.slice(0, 8)}</Link>, step{" "}
              <code>{run.parentStepId}</code>
            </dd>
          </>
        )}
        {run.steps.some((s) => s.childRunId) && (
          <>
            <dt>Sub-workflow runs</dt>
            <dd>
              {run.steps
                .filter((s) => s.childRunId)
                .slice(0, MAX_CHILD_LINKS)
                .map((s, i) => (
                  <span key={s.stepId}>
                    {i > 0 && ", "}
                    <code>{s.stepId}</code>:{" "}
                    <Link to={`/runs/${s.childRunId}`}>run {s.childRunId.slice(0, 8)}</Link>
                  </span>
                ))}
              {run.steps.filter((s) => s.childRunId).length > MAX_CHILD_LINKS &&
                ` and ${run.steps.filter((s) => s.childRunId).length - MAX_CHILD_LINKS} more (mcp runs --parent ${run.id})`}
            </dd>
          </>
        )}
        {run.rerunOfRunId && (
          <>
            <dt>Re-run of</dt>
            <dd data-testid="rerun-of">
              <Link to={`/runs/${run.rerunOfRunId}`}>Run {run.rerunOfRunId.slice(0, 8)}</Link>,{" "}
              {run.rerunFromStepId ? (
                <>
                  from step <code>{run.rerunFromStepId}</code>
                </>
              ) : (
                "every step"
              )}
              {run.reusedStepIds.length > 0 && `; reused: ${run.reusedStepIds.join(", ")}`}
            </dd>
          </>
        )}
        {run.scheduleId && (
          <>
            <dt>Started by</dt>
            <dd>
              the tick of {formatTime(run.scheduleTickTime)} of schedule{" "}
              <code>{run.scheduleId.slice(0, 8)}</code>
            </dd>
          </>
        )}
        {run.fallbackRunId && (
          <>
            <dt>Fallback run</dt>
            <dd>
              <Link to={`/runs/${run.fallbackRunId}`}>Fallback run {run.fallbackRunId.slice(0, 8)}</Link>
            </dd>
          </>
        )}
      </dl>
      <RunErrorView error={run.error} />
      <WaitingSteps run={run} />
      <ForEachItems run={run} onSelect={select} />
      <div className="columns">
        <section aria-labelledby="inputs-heading">
          <h2 id="inputs-heading">Inputs</h2>
          <JsonView value={run.inputs} label="Run inputs" empty="No inputs." />
        </section>
        <section aria-labelledby="outputs-heading">
          <h2 id="outputs-heading">Outputs</h2>
          <JsonView
            value={run.outputs}
            label="Run outputs"
            empty={terminal ? "No outputs." : "Not finished yet."}
          />
        </section>
      </div>
      <RunGraph run={run} selected={selectedId} onSelect={select} />
      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <TimelineView
          layout={timeline}
          selected={selectedId}
          onSelect={select}
          reused={reused}
          {...(terminal ? { onRerunFrom: setRerunFrom } : {})}
        />
      </section>
      {selected && (
        <StepDetails
          step={selected}
          runId={run.id}
          reusedFrom={!selected.parentStepId && reused.has(selected.stepId) ? run.rerunOfRunId : undefined}
        />
      )}
      {rerunFrom !== undefined && (
        <RerunDialog run={run} fromStepId={rerunFrom} onClose={() => setRerunFrom(undefined)} />
      )}
      {confirming && (
        <ConfirmDialog
          title="Cancel this run?"
          confirmLabel="Cancel run"
          cancelLabel="Keep running"
          busy={cancel.isPending}
          onConfirm={() => cancel.mutate()}
          onCancel={() => setConfirming(false)}
        >
          <p>Pending steps are skipped and running steps are stopped; the run ends CANCELLED.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
