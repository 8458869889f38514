import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { useClients } from "../api/context";
import { StatusBadge } from "../components/status-badge";
import { runStatusName, runStatusTone } from "../format/enums";
import { formatTime } from "../format/time";

/**
 * A workflow's newest run (ListRuns filtered by the workflow's id, one row, answered from the runs'
 * index by workflow and time): its status and when it started, a link to it; "never run" without one.
 */
export function LastRun({ workflowId }: { workflowId: string }) {
  const { executor } = useClients();
  const query = useQuery({
    queryKey: ["lastRun", workflowId],
    queryFn: ({ signal }) => executor.listRuns({ pageSize: 1, filter: { workflow: workflowId } }, { signal }),
  });
  if (query.isPending) return <span className="hint">…</span>;
  if (query.isError) return <span className="hint">unknown</span>;
  const run = query.data.runs[0];
  if (!run) return <span className="hint">never run</span>;
  return (
    <Link
      to={`/runs/${run.id}`}
      aria-label={`Last run: ${runStatusName(run.status)}, ${formatTime(run.createTime)}`}
    >
      <StatusBadge text={runStatusName(run.status)} tone={runStatusTone(run.status)} />{" "}
      {formatTime(run.createTime)}
    </Link>
  );
}
