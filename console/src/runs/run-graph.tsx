import { RunKind, type WorkflowRun } from "@mcp/proto/executor";
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useClients } from "../api/context";
import { DagView } from "../components/dag-view";
import { ErrorView } from "../components/error-view";
import { Loading } from "../components/states";
import { liveNodeStatus } from "../dag/live-status";

/**
 * A workflow run as its DAG (the run's pinned workflow version), each step coloured by its live
 * status from the WatchRun stream the page follows, a for_each step with its items done/total; a
 * click on a step selects it (its details and log below). Nothing for a single-MCP run.
 */
export function RunGraph({
  run,
  selected,
  onSelect,
}: {
  run: WorkflowRun;
  selected: string | undefined;
  onSelect: (stepId: string) => void;
}) {
  const { workflows } = useClients();
  const isWorkflow = run.kind !== RunKind.MCP && run.workflowName !== "";
  const query = useQuery({
    queryKey: ["workflow", run.workflowName, run.workflowVersion],
    enabled: isWorkflow,
    // a version never changes
    staleTime: Infinity,
    queryFn: ({ signal }) =>
      workflows.getWorkflow(
        {
          workflow: { case: "name", value: run.workflowName },
          selector: { case: "version", value: run.workflowVersion },
        },
        { signal },
      ),
  });
  const status = useMemo(() => liveNodeStatus(run), [run]);
  const live = useMemo(() => ({ status, selected, onSelect }), [status, selected, onSelect]);
  if (!isWorkflow) return null;
  return (
    <section aria-labelledby="graph-heading" className="run-graph">
      <h2 id="graph-heading">Graph</h2>
      {query.isPending ? (
        <Loading what="workflow graph" />
      ) : query.isError ? (
        <ErrorView error={query.error} title="Could not load the workflow's graph" />
      ) : (
        <DagView spec={query.data.version?.spec} live={live} />
      )}
    </section>
  );
}
