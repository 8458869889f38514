import { useInfiniteQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { useClients } from "../../api/context";
import { ErrorView } from "../../components/error-view";
import { LoadMore } from "../../components/load-more";
import { Empty, Loading } from "../../components/states";
import { formatTime } from "../../format/time";

/** A workflow's versions, newest first (ListWorkflowVersions). */
export function WorkflowVersions({ name, shown, current }: { name: string; shown: number; current: number }) {
  const { workflows } = useClients();
  const query = useInfiniteQuery({
    queryKey: ["workflowVersions", name],
    queryFn: ({ pageParam, signal }) =>
      workflows.listWorkflowVersions(
        { workflow: { case: "name", value: name }, pageSize: 50, pageToken: pageParam },
        { signal },
      ),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextPageToken || undefined,
  });
  if (query.isPending) return <Loading what="versions" />;
  const versions = query.data?.pages.flatMap((p) => p.versions) ?? [];
  if (query.isError && versions.length === 0)
    return <ErrorView error={query.error} title="Could not list versions" />;
  if (versions.length === 0) return <Empty>No versions.</Empty>;
  return (
    <>
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
      {query.isError && <ErrorView error={query.error} />}
      <LoadMore
        hasMore={query.hasNextPage}
        loading={query.isFetchingNextPage}
        onLoad={() => void query.fetchNextPage()}
      />
    </>
  );
}
