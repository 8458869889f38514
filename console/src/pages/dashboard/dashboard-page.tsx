import { RunStatus } from "@mcp/proto/executor";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { useClients } from "../../api/context";
import { HourlyChart } from "../../dashboard/hourly-chart";
import { hourBars } from "../../dashboard/hours";
import { ErrorView } from "../../components/error-view";
import { Empty, Loading } from "../../components/states";
import { formatDuration, formatTime } from "../../format/time";

/** How often the dashboard asks again (ms). */
const REFRESH_MS = 10_000;

/**
 * The console's home: runs per hour by status over the last 24 hours, runs running now, failure rate
 * and p50/p95 duration per workflow, and the latest failures with their error, each linked
 * (GetRunStats, refreshed every few seconds).
 */
export function DashboardPage() {
  const { executor } = useClients();
  const stats = useQuery({
    queryKey: ["run-stats", 24],
    queryFn: ({ signal }) => executor.getRunStats({ windowHours: 24, recentFailuresLimit: 10 }, { signal }),
    refetchInterval: REFRESH_MS,
  });
  return (
    <>
      <h1>Dashboard</h1>
      {stats.isPending ? (
        <Loading what="run statistics" />
      ) : stats.isError ? (
        <ErrorView error={stats.error} title="GetRunStats failed" />
      ) : (
        <Dashboard data={stats.data} />
      )}
    </>
  );
}

type Stats = Awaited<ReturnType<ReturnType<typeof useClients>["executor"]["getRunStats"]>>;

function Dashboard({ data }: { data: Stats }) {
  const bars = hourBars(data.windowStart, data.hourly, new Date());
  const total = bars.reduce((a, b) => a + b.total, 0);
  const failed = bars.reduce((a, b) => a + (b.counts.get(RunStatus.FAILED) ?? 0), 0);
  return (
    <>
      <div className="dashboard-tiles">
        <Link to="/runs?status=RUNNING" className="tile" data-testid="running-now">
          <div className="figure">{String(data.runningNow)}</div>
          running now
        </Link>
        <div className="tile">
          <div className="figure" data-testid="runs-24h">
            {total}
          </div>
          runs in the last 24 h
        </div>
        <Link to="/runs?status=FAILED" className="tile">
          <div className="figure" data-testid="failed-24h">
            {failed}
          </div>
          failed in the last 24 h
        </Link>
      </div>
      <section aria-labelledby="hourly-heading">
        <h2 id="hourly-heading">Runs per hour</h2>
        <HourlyChart bars={bars} />
      </section>
      <section aria-labelledby="workflow-stats-heading">
        <h2 id="workflow-stats-heading">Workflows (last 24 h)</h2>
        {data.workflows.length === 0 ? (
          <Empty>No workflow runs in the last 24 hours.</Empty>
        ) : (
          <table data-testid="workflow-stats">
            <thead>
              <tr>
                <th scope="col">Workflow</th>
                <th scope="col">Runs</th>
                <th scope="col">Failed</th>
                <th scope="col">Failure rate</th>
                <th scope="col">p50</th>
                <th scope="col">p95</th>
              </tr>
            </thead>
            <tbody>
              {data.workflows.map((w) => (
                <tr key={w.workflowName}>
                  <td>
                    <Link to={`/runs?workflow=${encodeURIComponent(w.workflowName)}`}>{w.workflowName}</Link>
                  </td>
                  <td>{String(w.runs)}</td>
                  <td>{String(w.failed)}</td>
                  <td>{w.finished > 0n ? `${(w.failureRate * 100).toFixed(1)} %` : "—"}</td>
                  <td>{w.finished > 0n ? formatDuration(w.p50DurationMs) : "—"}</td>
                  <td>{w.finished > 0n ? formatDuration(w.p95DurationMs) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="failures-heading">
        <h2 id="failures-heading">Recent failures</h2>
        {data.recentFailures.length === 0 ? (
          <Empty>No failed runs in the last 24 hours.</Empty>
        ) : (
          <ul className="recent-failures" data-testid="recent-failures">
            {data.recentFailures.map((f) => (
              <li key={f.runId}>
                <Link to={`/runs/${f.runId}`}>
                  {f.name || "run"} · run {f.runId.slice(0, 8)}
                </Link>{" "}
                <span className="hint">{formatTime(f.finishedAt)}</span>
                {f.error && (
                  <pre className="log error-excerpt">
                    {f.error.code}: {f.error.message}
                  </pre>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
