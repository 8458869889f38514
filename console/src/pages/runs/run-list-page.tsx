import { useState } from "react";
import { Link } from "react-router";
import { useClients } from "../../api/context";
import { usePagedList } from "../../api/use-paged-list";
import { PagedStates } from "../../components/paged-states";
import { FilterBar, useUrlFilters } from "../../components/search-form";
import { StatusBadge } from "../../components/status-badge";
import { RunKind } from "@mcp/proto/executor";
import { RUN_STATUSES, parseRunStatus, runStatusName, runStatusTone } from "../../format/enums";
import { formatDuration, formatTime, ms } from "../../format/time";
import { OpenRun } from "../../runs/open-run";

const PAGE_SIZE = 25;
const REFRESH_MS = 3000;

/**
 * Runs, newest first: filter by status and workflow, keyset pages, refreshed every few seconds; open
 * one by its id (whole or short).
 */
export function RunListPage() {
  const { executor } = useClients();
  const filters = useUrlFilters(["status", "workflow"] as const);
  const { status, workflow } = filters.applied;
  const [autoRefresh, setAutoRefresh] = useState(true);
  const statusFilter = parseRunStatus(status);
  const list = usePagedList({
    queryKey: ["runs", { status, workflow }],
    fetchPage: (pageToken, signal) =>
      executor.listRuns(
        {
          pageSize: PAGE_SIZE,
          pageToken,
          filter: { workflow, statuses: statusFilter === undefined ? [] : [statusFilter] },
        },
        { signal },
      ),
    itemsOf: (page) => page.runs,
    refetchInterval: autoRefresh ? REFRESH_MS : false,
  });
  return (
    <>
      <h1>Runs</h1>
      <OpenRun />
      <FilterBar label="Filter runs" onSubmit={() => filters.apply()}>
        <label>
          Status
          <select
            value={filters.draft.status}
            onChange={(e) => filters.apply({ ...filters.draft, status: e.target.value })}
          >
            <option value="">any</option>
            {RUN_STATUSES.map((s) => (
              <option key={s} value={runStatusName(s)}>
                {runStatusName(s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Workflow
          <input
            type="text"
            value={filters.draft.workflow}
            onChange={(e) => filters.set("workflow", e.target.value)}
          />
        </label>
      </FilterBar>
      <p className="refresh">
        <label>
          <input type="checkbox" checked={autoRefresh} onChange={(e) => setAutoRefresh(e.target.checked)} />{" "}
          Auto-refresh
        </label>
      </p>
      <PagedStates
        list={list}
        what="runs"
        errorTitle="Could not list runs"
        moreErrorTitle="Could not refresh runs"
        empty={status || workflow ? "No run matches these filters." : "No runs yet."}
      >
        {(runs) => (
          <table>
            <caption className="visually-hidden">Runs</caption>
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Of</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Duration</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => {
                const start = ms(r.startTime);
                const end = ms(r.finishTime);
                return (
                  <tr key={r.id}>
                    <td>
                      <Link to={`/runs/${r.id}`}>
                        <code>{r.id.slice(0, 8)}</code>
                      </Link>
                    </td>
                    <td>
                      {r.kind === RunKind.MCP
                        ? `MCP ${r.mcpName} v${r.mcpVersion}`
                        : `${r.workflowName} v${r.workflowVersion}`}
                    </td>
                    <td>
                      <StatusBadge text={runStatusName(r.status)} tone={runStatusTone(r.status)} />
                    </td>
                    <td>{formatTime(r.createTime)}</td>
                    <td>{start !== undefined && end !== undefined ? formatDuration(end - start) : "—"}</td>
                    <td className="clip">{r.error ? `${r.error.code}: ${r.error.message}` : ""}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </PagedStates>
    </>
  );
}
