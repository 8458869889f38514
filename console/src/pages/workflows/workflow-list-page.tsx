import { Link } from "react-router";
import { useClients } from "../../api/context";
import { usePagedList } from "../../api/use-paged-list";
import { PagedStates } from "../../components/paged-states";
import { FilterBar, useUrlFilters } from "../../components/search-form";
import { formatTime } from "../../format/time";
import { LastRun } from "../../workflows/last-run";

const PAGE_SIZE = 25;

/** Workflows: search by text, tag or the MCP they use; keyset pages with "Load more". */
export function WorkflowListPage() {
  const { workflows } = useClients();
  const filters = useUrlFilters(["q", "tag", "mcp"] as const);
  const { q, tag, mcp } = filters.applied;
  const list = usePagedList({
    queryKey: ["workflows", { q, tag, mcp }],
    fetchPage: (pageToken, signal) =>
      workflows.listWorkflows(
        { pageSize: PAGE_SIZE, pageToken, filter: { text: q, tag, usesMcp: mcp } },
        { signal },
      ),
    itemsOf: (page) => page.workflows,
  });
  return (
    <>
      <div className="page-head">
        <h1>Workflows</h1>
        <div className="actions">
          <Link className="button" to="/workflows/new?view=visual">
            Build visually
          </Link>
          <Link className="button primary" to="/workflows/new">
            New workflow
          </Link>
        </div>
      </div>
      <FilterBar label="Filter workflows" onSubmit={() => filters.apply()}>
        <label>
          Search
          <input type="search" value={filters.draft.q} onChange={(e) => filters.set("q", e.target.value)} />
        </label>
        <label>
          Tag
          <input type="text" value={filters.draft.tag} onChange={(e) => filters.set("tag", e.target.value)} />
        </label>
        <label>
          Uses MCP
          <input type="text" value={filters.draft.mcp} onChange={(e) => filters.set("mcp", e.target.value)} />
        </label>
      </FilterBar>
      <PagedStates
        list={list}
        what="workflows"
        errorTitle="Could not list workflows"
        moreErrorTitle="Could not load more workflows"
        empty={
          q || tag || mcp
            ? "No workflow matches these filters."
            : "No workflows yet: create one with “New workflow”."
        }
      >
        {(items) => (
          <table>
            <caption className="visually-hidden">Workflows</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Description</th>
                <th scope="col">Tags</th>
                <th scope="col">Latest</th>
                <th scope="col">Current</th>
                <th scope="col">Updated</th>
                <th scope="col">Last run</th>
              </tr>
            </thead>
            <tbody>
              {items.map((w) => (
                <tr key={w.id}>
                  <td>
                    <Link to={`/workflows/${encodeURIComponent(w.name)}`}>{w.name}</Link>
                  </td>
                  <td className="clip">{w.description}</td>
                  <td>{w.tags.join(", ")}</td>
                  <td>v{w.latestVersion}</td>
                  <td>
                    v{w.currentVersion}
                    {w.currentVersionPinned ? " (pinned)" : ""}
                  </td>
                  <td>{formatTime(w.updateTime)}</td>
                  <td>
                    <LastRun workflowId={w.id} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </PagedStates>
    </>
  );
}
