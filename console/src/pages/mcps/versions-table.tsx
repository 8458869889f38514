import { Link } from "react-router";
import { useClients } from "../../api/context";
import { usePagedList } from "../../api/use-paged-list";
import { PagedStates } from "../../components/paged-states";
import { formatTime } from "../../format/time";

/** An MCP's versions, newest first, with their labels and deprecation flags. */
export function VersionsTable({ name, shown }: { name: string; shown: number }) {
  const { registry } = useClients();
  const list = usePagedList({
    queryKey: ["mcpVersions", name],
    fetchPage: (pageToken, signal) =>
      registry.listMcpVersions({ mcp: { case: "name", value: name }, pageSize: 50, pageToken }, { signal }),
    itemsOf: (page) => page.versions,
  });
  return (
    <PagedStates list={list} what="versions" errorTitle="Could not list versions" empty="No versions.">
      {(versions) => (
        <table>
          <caption className="visually-hidden">Versions of {name}</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Written</th>
              <th scope="col">Change note</th>
              <th scope="col">Labels</th>
              <th scope="col">Deprecated</th>
              <th scope="col">Hash</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.version} aria-current={v.version === shown ? "true" : undefined}>
                <td>
                  <Link to={`?version=${v.version}`}>v{v.version}</Link>
                </td>
                <td>{formatTime(v.createTime)}</td>
                <td>{v.changeNote || "—"}</td>
                <td>{v.labels.join(", ") || "—"}</td>
                <td>
                  {v.deprecated
                    ? `deprecated${v.deprecationMessage ? `: ${v.deprecationMessage}` : ""}`
                    : "no"}
                </td>
                <td>
                  <code>{v.contentHash.slice(0, 12)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </PagedStates>
  );
}
