import { Link } from "react-router";
import { useClients } from "../../api/context";
import { usePagedList } from "../../api/use-paged-list";
import { PagedStates } from "../../components/paged-states";
import { FilterBar, useUrlFilters } from "../../components/search-form";
import { MCP_TYPES, mcpTypeName, parseMcpType } from "../../format/enums";
import { formatTime } from "../../format/time";

const PAGE_SIZE = 25;

/** MCPs: search by text, type and tag; keyset pages with "Load more". */
export function McpListPage() {
  const { registry } = useClients();
  const filters = useUrlFilters(["q", "type", "tag"] as const);
  const { q, type, tag } = filters.applied;
  const list = usePagedList({
    queryKey: ["mcps", { q, type, tag }],
    fetchPage: (pageToken, signal) =>
      registry.listMcps(
        { pageSize: PAGE_SIZE, pageToken, filter: { text: q, tag, type: parseMcpType(type) } },
        { signal },
      ),
    itemsOf: (page) => page.mcps,
  });

  return (
    <>
      <div className="page-head">
        <h1>MCPs</h1>
        <Link className="button primary" to="/mcps/new">
          New MCP
        </Link>
      </div>
      <FilterBar label="Filter MCPs" onSubmit={() => filters.apply()}>
        <label>
          Search
          <input type="search" value={filters.draft.q} onChange={(e) => filters.set("q", e.target.value)} />
        </label>
        <label>
          Type
          <select
            value={filters.draft.type}
            onChange={(e) => filters.apply({ ...filters.draft, type: e.target.value })}
          >
            <option value="">any</option>
            {MCP_TYPES.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Tag
          <input type="text" value={filters.draft.tag} onChange={(e) => filters.set("tag", e.target.value)} />
        </label>
      </FilterBar>
      <PagedStates
        list={list}
        what="MCPs"
        errorTitle="Could not list MCPs"
        moreErrorTitle="Could not load more MCPs"
        empty={q || type || tag ? "No MCP matches these filters." : "No MCPs yet: create one with “New MCP”."}
      >
        {(mcps) => (
          <table>
            <caption className="visually-hidden">MCPs</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Description</th>
                <th scope="col">Tags</th>
                <th scope="col">Latest</th>
                <th scope="col">Labels</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {mcps.map((m) => (
                <tr key={m.id}>
                  <td>
                    <Link to={`/mcps/${encodeURIComponent(m.name)}`}>{m.name}</Link>
                  </td>
                  <td>{mcpTypeName(m.type)}</td>
                  <td className="clip">{m.description}</td>
                  <td>{m.tags.join(", ")}</td>
                  <td>v{m.latestVersion}</td>
                  <td>
                    {Object.entries(m.labels)
                      .filter(([l]) => l !== "latest")
                      .map(([l, v]) => `${l}→v${v}`)
                      .join(", ")}
                  </td>
                  <td>{formatTime(m.updateTime)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </PagedStates>
    </>
  );
}
