import { StepStatus } from "@mcp/proto/executor";
import { stepStatusName, stepStatusTone, type Tone } from "../format/enums";
import { formatDuration } from "../format/time";
import { labelBefore, type TimelineBar, type TimelineLayout } from "../timeline/layout";
import { StepStatusBadge } from "./step-status-badge";
import { Empty } from "./states";

function barTone(bar: TimelineBar): Tone {
  return bar.status === StepStatus.RETRYING ? "bad" : stepStatusTone(bar.status);
}

function barTitle(stepId: string, bar: TimelineBar): string {
  const outcome = bar.running
    ? "running"
    : bar.status === StepStatus.RETRYING
      ? "failed, retried"
      : stepStatusName(bar.status);
  return `${stepId}, attempt ${bar.attempt}: ${outcome}, ${formatDuration(bar.durationMs)} (${new Date(bar.startMs).toLocaleTimeString()})`;
}

/**
 * A Gantt chart of a run: a row per step (child steps indented under their parent), a bar per attempt
 * placed by its start and end time and labelled with its duration, coloured by status. Clicking a
 * step's name selects it.
 */
export function TimelineView({
  layout,
  selected,
  onSelect,
}: {
  layout: TimelineLayout;
  selected: string | undefined;
  onSelect: (stepId: string) => void;
}) {
  if (layout.rows.length === 0) return <Empty>No steps yet.</Empty>;
  return (
    <div className="timeline" data-testid="timeline">
      <div className="timeline-scale" aria-hidden="true">
        <span>0</span>
        <span>{formatDuration(layout.totalMs)}</span>
      </div>
      <ol className="timeline-rows">
        {layout.rows.map(({ step, depth, bars, unobservedAttempts }) => (
          <li key={step.stepId} className="timeline-row" data-step={step.stepId}>
            <button
              type="button"
              className="timeline-label"
              style={{ paddingLeft: `${0.5 + depth * 1.25}rem` }}
              aria-pressed={selected === step.stepId}
              onClick={() => onSelect(step.stepId)}
            >
              {depth > 0 && <span aria-hidden="true">↳ </span>}
              <span className="step-id">{step.stepId}</span> <StepStatusBadge step={step} />
            </button>
            <div className="timeline-track">
              {bars.map((bar) => (
                <div
                  key={bar.attempt}
                  className={`timeline-bar tone-${barTone(bar)}${bar.running ? " running" : ""}`}
                  style={{ left: `${bar.leftPct}%`, width: `${bar.widthPct}%` }}
                  title={barTitle(step.stepId, bar)}
                >
                  <span className={`timeline-bar-label${labelBefore(bar) ? " before" : ""}`}>{bar.label}</span>
                </div>
              ))}
              {bars.length === 0 && <span className="hint">not started</span>}
            </div>
            {unobservedAttempts > 0 && (
              <p className="hint timeline-note">
                {unobservedAttempts} earlier attempt{unobservedAttempts > 1 ? "s" : ""} finished before this
                page opened (the API keeps the latest attempt only).
              </p>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}
