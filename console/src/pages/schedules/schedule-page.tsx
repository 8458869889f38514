import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { useClients } from "../../api/context";
import { ErrorView } from "../../components/error-view";
import { JsonView } from "../../components/json-view";
import { Loading } from "../../components/states";
import { StatusBadge } from "../../components/status-badge";
import { runStatusName, runStatusTone } from "../../format/enums";
import { durationMs, formatDuration, formatTime } from "../../format/time";
import { overlapName, scheduleWorkflow, tickOutcomeName, tickOutcomeTone } from "../../schedules/labels";

const REFRESH_MS = 3000;

/** One schedule: what it runs and when, its next 5 fire times, its latest ticks; pause, resume, trigger. */
export function SchedulePage() {
  const { name = "" } = useParams();
  const { schedules } = useClients();
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: ["schedule", name],
    queryFn: ({ signal }) => schedules.getSchedule({ name }, { signal }),
    refetchInterval: REFRESH_MS,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["schedule", name] });
  const pause = useMutation({ mutationFn: () => schedules.pauseSchedule({ name }), onSuccess: refresh });
  const resume = useMutation({ mutationFn: () => schedules.resumeSchedule({ name }), onSuccess: refresh });
  const trigger = useMutation({ mutationFn: () => schedules.triggerSchedule({ name }), onSuccess: refresh });

  if (query.isPending) return <Loading what={`schedule ${name}`} />;
  if (query.isError) {
    return (
      <>
        <h1>{name}</h1>
        <ErrorView error={query.error} title={`Could not load schedule ${name}`} />
        <p>
          <Link to="/schedules">Back to schedules</Link>
        </p>
      </>
    );
  }
  const s = query.data.schedule;
  if (!s) return <ErrorView error={new Error("GetSchedule returned no schedule")} />;
  const window = durationMs(s.catchUpWindow);
  const failed = pause.error ?? resume.error ?? trigger.error;
  return (
    <>
      <h1>
        {s.name}{" "}
        <StatusBadge
          text={s.paused ? "paused" : "active"}
          tone={s.paused ? "idle" : "ok"}
          testId="schedule-state"
        />
      </h1>
      {s.description && <p>{s.description}</p>}
      <p className="actions">
        {s.paused ? (
          <button type="button" onClick={() => resume.mutate()} disabled={resume.isPending}>
            Resume
          </button>
        ) : (
          <button type="button" onClick={() => pause.mutate()} disabled={pause.isPending}>
            Pause
          </button>
        )}{" "}
        <button type="button" onClick={() => trigger.mutate()} disabled={trigger.isPending}>
          Trigger now
        </button>
        {trigger.data?.run && (
          <>
            {" "}
            Started <Link to={`/runs/${trigger.data.run.id}`}>run {trigger.data.run.id.slice(0, 8)}</Link>
          </>
        )}
        {trigger.data && !trigger.data.run && (
          <>
            {" "}
            No run: {tickOutcomeName(trigger.data.tick?.outcome ?? 0)} {trigger.data.tick?.reason}
          </>
        )}
      </p>
      {failed && <ErrorView error={failed} title="The action failed" />}
      <dl className="facts">
        <dt>Workflow</dt>
        <dd>
          <Link to={`/workflows/${encodeURIComponent(String(s.workflow?.workflow.value ?? ""))}`}>
            {scheduleWorkflow(s)}
          </Link>
        </dd>
        <dt>Cron</dt>
        <dd>
          <code>{s.cron}</code> in {s.timeZone}
        </dd>
        <dt>Overlap</dt>
        <dd>{overlapName(s.overlapPolicy)}</dd>
        <dt>Catch-up window</dt>
        <dd>{window !== undefined ? formatDuration(window) : "—"}</dd>
        {s.paused && s.pauseReason && (
          <>
            <dt>Paused because</dt>
            <dd>{s.pauseReason}</dd>
          </>
        )}
        <dt>Missed ticks</dt>
        <dd>{String(s.missedTicks)}</dd>
        <dt>Updated</dt>
        <dd>
          {formatTime(s.updateTime)}
          {s.updatedBy && ` by ${s.updatedBy}`}
        </dd>
      </dl>
      <h2>Inputs</h2>
      <JsonView value={s.inputs ?? {}} label="Inputs" />
      <h2>Next fire times</h2>
      {s.nextFireTimes.length === 0 ? (
        <p>{s.paused ? "None while paused." : "The expression fires no more."}</p>
      ) : (
        <ol data-testid="next-fire-times">
          {s.nextFireTimes.map((t) => (
            <li key={String(t.seconds)}>{formatTime(t)}</li>
          ))}
        </ol>
      )}
      <h2>Latest ticks</h2>
      {s.recentTicks.length === 0 ? (
        <p>No tick yet.</p>
      ) : (
        <table>
          <caption className="visually-hidden">Latest ticks</caption>
          <thead>
            <tr>
              <th scope="col">Tick</th>
              <th scope="col">Kind</th>
              <th scope="col">Outcome</th>
              <th scope="col">Run</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {s.recentTicks.map((t) => (
              <tr key={`${t.manual ? "m" : "c"}${String(t.tickTime?.seconds)}.${t.tickTime?.nanos}`}>
                <td>{formatTime(t.tickTime)}</td>
                <td>{t.manual ? "manual" : "cron"}</td>
                <td>
                  <StatusBadge text={tickOutcomeName(t.outcome)} tone={tickOutcomeTone(t.outcome)} />
                </td>
                <td>
                  {t.runId ? (
                    <>
                      <Link to={`/runs/${t.runId}`}>
                        <code>{t.runId.slice(0, 8)}</code>
                      </Link>{" "}
                      <StatusBadge text={runStatusName(t.runStatus)} tone={runStatusTone(t.runStatus)} />
                    </>
                  ) : (
                    "—"
                  )}
                </td>
                <td className="clip">{t.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <Link to="/schedules">Back to schedules</Link>
      </p>
    </>
  );
}
