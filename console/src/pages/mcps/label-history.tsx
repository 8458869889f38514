import { useClients } from "../../api/context";
import { usePagedList } from "../../api/use-paged-list";
import { PagedStates } from "../../components/paged-states";
import { formatTime } from "../../format/time";

/** Recorded label moves of an MCP, newest first (ListMcpLabelMoves). */
export function LabelHistory({ name }: { name: string }) {
  const { registry } = useClients();
  const list = usePagedList({
    queryKey: ["labelMoves", name],
    fetchPage: (pageToken, signal) =>
      registry.listMcpLabelMoves({ mcp: { case: "name", value: name }, pageSize: 20, pageToken }, { signal }),
    itemsOf: (page) => page.moves,
  });
  return (
    <>
      <h3>Label history</h3>
      <PagedStates
        list={list}
        what="label history"
        errorTitle="Could not list label moves"
        moreErrorTitle="Could not load more label moves"
        empty="No label has been moved yet."
      >
        {(moves) => (
          <table>
            <caption className="visually-hidden">Label moves of {name}</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Label</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">By</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {moves.map((m, i) => (
                <tr key={i}>
                  <td>{formatTime(m.moveTime)}</td>
                  <td>{m.label}</td>
                  <td>{m.fromVersion === undefined ? "—" : `v${m.fromVersion}`}</td>
                  <td>{m.toVersion === undefined ? "removed" : `v${m.toVersion}`}</td>
                  <td>{m.movedBy || "—"}</td>
                  <td>{m.reason || "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </PagedStates>
    </>
  );
}
