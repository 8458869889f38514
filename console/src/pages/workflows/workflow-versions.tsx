import { Link } from "react-router";
import { useClients } from "../../api/context";
import { usePagedList } from "../../api/use-paged-list";
import { PagedStates } from "../../components/paged-states";
import { formatTime } from "../../format/time";

/** A workflow's versions, newest first (ListWorkflowVersions). */
export function WorkflowVersions({ name, shown, current }: { name: string; shown: number; current: number }) {
  const { workflows } = useClients();
  const list = usePagedList({
    queryKey: ["workflowVersions", name],
    fetchPage: (pageToken, signal) =>
      workflows.listWorkflowVersions(
        { workflow: { case: "name", value: name }, pageSize: 50, pageToken },
        { signal },
      ),
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
              <th scope="col">Steps</th>
              <th scope="col">Hash</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.version} aria-current={v.version === shown ? "true" : undefined}>
                <td>
                  <Link to={`?version=${v.version}`}>v{v.version}</Link>
                  {v.version === current ? " (current)" : ""}
                </td>
                <td>{formatTime(v.createTime)}</td>
                <td>{v.changeNote || "—"}</td>
                <td>{v.spec?.steps.length ?? 0}</td>
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
