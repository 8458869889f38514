import { Link } from "react-router";
import { useClients } from "../../api/context";
import { usePagedList } from "../../api/use-paged-list";
import { PagedStates } from "../../components/paged-states";
import { FilterBar, useUrlFilters } from "../../components/search-form";
import { mcpTypeName } from "../../format/enums";
import { formatTime } from "../../format/time";
import { anyChosen, FACET_KEYS, filterOf, type FacetParams } from "../../mcps/facets";
import { FacetChips, McpFacetPanel } from "./mcp-facets";

const PAGE_SIZE = 25;

/**
 * MCPs: the catalogue. Search by text; narrow by type, tags, labels and deprecation with facets whose
 * counts come with the first page (ListMcps `include_facets`); keyset pages with "Load more".
 */
export function McpListPage() {
  const { registry } = useClients();
  const filters = useUrlFilters(FACET_KEYS);
  const chosen: FacetParams = filters.applied;
  const list = usePagedList({
    queryKey: ["mcps", chosen],
    fetchPage: (pageToken, signal) =>
      registry.listMcps(
        { pageSize: PAGE_SIZE, pageToken, filter: filterOf(chosen), includeFacets: pageToken === "" },
        { signal },
      ),
    itemsOf: (page) => page.mcps,
  });
  const choose = (key: keyof FacetParams, value: string) => filters.apply({ ...filters.draft, [key]: value });

  return (
    <>
      <div className="page-head">
        <h1>MCPs</h1>
        <Link className="button primary" to="/mcps/new">
          New MCP
        </Link>
      </div>
      <FilterBar label="Search MCPs" onSubmit={() => filters.apply()}>
        <label>
          Search
          <input type="search" value={filters.draft.q} onChange={(e) => filters.set("q", e.target.value)} />
        </label>
      </FilterBar>
      <div className="catalogue">
        <McpFacetPanel facets={list.firstPage?.facets} chosen={chosen} onChoose={choose} />
        <div>
          <FacetChips chosen={chosen} onChoose={choose} />
          <PagedStates
            list={list}
            what="MCPs"
            errorTitle="Could not list MCPs"
            moreErrorTitle="Could not load more MCPs"
            empty={
              anyChosen(chosen) ? "No MCP matches these filters." : "No MCPs yet: create one with “New MCP”."
            }
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
                        {m.deprecated ? (
                          <>
                            {" "}
                            <span className="badge tone-warn">deprecated</span>
                          </>
                        ) : null}
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
        </div>
      </div>
    </>
  );
}
