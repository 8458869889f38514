import { useInfiniteQuery } from "@tanstack/react-query";
import { useClients } from "../../api/context";
import { ErrorView } from "../../components/error-view";
import { LoadMore } from "../../components/load-more";
import { Empty, Loading } from "../../components/states";
import { formatTime } from "../../format/time";

/** Recorded label moves of an MCP, newest first (ListMcpLabelMoves). */
export function LabelHistory({ name }: { name: string }) {
  const { registry } = useClients();
  const query = useInfiniteQuery({
    queryKey: ["labelMoves", name],
    queryFn: ({ pageParam, signal }) =>
      registry.listMcpLabelMoves(
        { mcp: { case: "name", value: name }, pageSize: 20, pageToken: pageParam },
        { signal },
      ),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextPageToken || undefined,
  });
  const moves = query.data?.pages.flatMap((p) => p.moves) ?? [];
  return (
    <>
      <h3>Label history</h3>
      {query.isPending ? (
        <Loading what="label history" />
      ) : query.isError && moves.length === 0 ? (
        <ErrorView error={query.error} title="Could not list label moves" />
      ) : moves.length === 0 ? (
        <Empty>No label has been moved yet.</Empty>
      ) : (
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
      <LoadMore
        hasMore={query.hasNextPage}
        loading={query.isFetchingNextPage}
        onLoad={() => void query.fetchNextPage()}
      />
    </>
  );
}
