import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { useLocation, useNavigate } from "react-router";
import { useClients } from "../api/context";
import { ErrorView } from "../components/error-view";
import { Loading } from "../components/states";

const FULL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` is a whole run id (a UUID), not a short one. */
export const isFullRunId = (id: string) => FULL_ID.test(id);

/**
 * A run URL with a short id (`/runs/3f2a9c1b`): asks the executor (ResolveRunId) for the run it names
 * and moves to that run's URL; NOT_FOUND or an ambiguous prefix (its candidates listed) is shown.
 */
export function ShortRunId({ prefix }: { prefix: string }) {
  const { executor } = useClients();
  const navigate = useNavigate();
  const location = useLocation();
  const query = useQuery({
    queryKey: ["resolveRunId", prefix],
    queryFn: ({ signal }) => executor.resolveRunId({ prefix }, { signal }),
    retry: false,
  });
  const id = query.data?.id;
  useEffect(() => {
    if (id) void navigate(`/runs/${id}${location.search}`, { replace: true });
  }, [id, navigate, location.search]);
  return (
    <>
      <h1>Run {prefix}</h1>
      {query.isError ? (
        <ErrorView error={query.error} title={`No single run has an id starting ${prefix}`} />
      ) : (
        <Loading what="run" />
      )}
    </>
  );
}
