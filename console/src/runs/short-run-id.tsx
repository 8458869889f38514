import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { useLocation, useNavigate } from "react-router";
import { useClients } from "../api/context";
import { ErrorView } from "../components/error-view";
import { Loading } from "../components/states";

const FULL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether `id` is a short run id: the start of one, 8 or more hex digits (hyphens where the full id has
 * them), not a whole id. Anything else is asked for as it is (GetRun says what is wrong with it).
 */
export const isShortRunId = (id: string) =>
  !FULL_ID.test(id) && /^[0-9a-f-]+$/i.test(id) && /^[0-9a-f]{8,32}$/i.test(id.replace(/-/g, ""));

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
