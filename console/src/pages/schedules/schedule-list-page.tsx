import { Link } from "react-router";
import { useClients } from "../../api/context";
import { usePagedList } from "../../api/use-paged-list";
import { PagedStates } from "../../components/paged-states";
import { FilterBar, useUrlFilters } from "../../components/search-form";
import { StatusBadge } from "../../components/status-badge";
import { formatTime } from "../../format/time";
import { overlapName, scheduleWorkflow } from "../../schedules/labels";

const PAGE_SIZE = 25;

/** Schedules by name, filtered by workflow, keyset pages. */
export function ScheduleListPage() {
  const { schedules } = useClients();
  const filters = useUrlFilters(["workflow"] as const);
  const { workflow } = filters.applied;
  const list = usePagedList({
    queryKey: ["schedules", { workflow }],
    fetchPage: (pageToken, signal) =>
      schedules.listSchedules({ pageSize: PAGE_SIZE, pageToken, workflow }, { signal }),
    itemsOf: (page) => page.schedules,
  });
  return (
    <>
      <h1>Schedules</h1>
      <p className="hint">
        Workflows started on a cron expression. Create them with <code>mcp schedule create</code> or a{" "}
        <code>kind: Schedule</code> manifest.
      </p>
      <FilterBar label="Filter schedules" onSubmit={() => filters.apply()}>
        <label>
          Workflow
          <input
            type="text"
            value={filters.draft.workflow}
            onChange={(e) => filters.set("workflow", e.target.value)}
          />
        </label>
      </FilterBar>
      <PagedStates
        list={list}
        what="schedules"
        errorTitle="Could not list schedules"
        moreErrorTitle="Could not load more schedules"
        empty={workflow ? "No schedule runs this workflow." : "No schedules yet."}
      >
        {(items) => (
          <table>
            <caption className="visually-hidden">Schedules</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Workflow</th>
                <th scope="col">Cron</th>
                <th scope="col">Time zone</th>
                <th scope="col">Overlap</th>
                <th scope="col">State</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr key={s.id}>
                  <td>
                    <Link to={`/schedules/${encodeURIComponent(s.name)}`}>{s.name}</Link>
                  </td>
                  <td>{scheduleWorkflow(s)}</td>
                  <td>
                    <code>{s.cron}</code>
                  </td>
                  <td>{s.timeZone}</td>
                  <td>{overlapName(s.overlapPolicy)}</td>
                  <td>
                    <StatusBadge text={s.paused ? "paused" : "active"} tone={s.paused ? "idle" : "ok"} />
                  </td>
                  <td>{formatTime(s.updateTime)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </PagedStates>
    </>
  );
}
