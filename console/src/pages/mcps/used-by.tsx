import { Link } from "react-router";
import { useClients } from "../../api/context";
import { usePagedList } from "../../api/use-paged-list";
import { PagedStates } from "../../components/paged-states";
import { selectorText } from "@mcp/wording";

/**
 * "Used by": the workflow versions whose steps call this MCP (ListMcpUsages), each step with how it
 * selects the MCP's version, the workflow's current version marked.
 */
export function UsedBy({ mcpId }: { mcpId: string }) {
  const { workflows } = useClients();
  const list = usePagedList({
    queryKey: ["mcp-usages", mcpId],
    fetchPage: (pageToken, signal) =>
      workflows.listMcpUsages({ mcp: { case: "id", value: mcpId }, pageSize: 50, pageToken }, { signal }),
    itemsOf: (page) => page.usages,
  });
  return (
    <PagedStates
      list={list}
      what="the workflows using this MCP"
      errorTitle="Could not list the workflows using this MCP"
      empty="No workflow uses this MCP."
    >
      {(usages) => (
        <table>
          <caption className="visually-hidden">Workflows using this MCP</caption>
          <thead>
            <tr>
              <th scope="col">Workflow</th>
              <th scope="col">Version</th>
              <th scope="col">Step</th>
              <th scope="col">Selects</th>
            </tr>
          </thead>
          <tbody>
            {usages.flatMap((u) =>
              u.steps.map((s) => (
                <tr key={`${u.workflowId}:${u.workflowVersion}:${s.stepId}`}>
                  <td>
                    <Link to={`/workflows/${encodeURIComponent(u.workflowName)}`}>{u.workflowName}</Link>
                  </td>
                  <td>
                    <Link
                      to={`/workflows/${encodeURIComponent(u.workflowName)}?version=${u.workflowVersion}`}
                      aria-label={`${u.workflowName} version ${u.workflowVersion}`}
                    >
                      v{u.workflowVersion}
                    </Link>
                    {u.current ? (
                      <>
                        {" "}
                        <span className="badge tone-ok">current</span>
                      </>
                    ) : null}
                    {u.latest && !u.current ? (
                      <>
                        {" "}
                        <span className="badge tone-idle">latest</span>
                      </>
                    ) : null}
                  </td>
                  <td>{s.stepId}</td>
                  <td>{selectorText(s.mcp)}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      )}
    </PagedStates>
  );
}
