import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { createBrowserRouter, RouterProvider } from "react-router";
import { ApiProvider, type Api } from "./api/context";
import { isTransient } from "./errors/describe";
import { routes } from "./routes";

/** Queries retry only errors that may go away (UNAVAILABLE...); others show at once. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (failures, err) => failures < 2 && isTransient(err),
        refetchOnWindowFocus: false,
        staleTime: 5_000,
      },
      mutations: { retry: false },
    },
  });
}

/** The console: API clients, the query cache and the router. */
export function App({ api, queryClient }: { api: Api; queryClient: QueryClient }) {
  const [router] = useState(() => createBrowserRouter(routes));
  // What was fetched with the old key (or refused for it) is fetched again with the new one, so a
  // page showing UNAUTHENTICATED recovers as soon as a key is saved or cleared in Settings.
  useEffect(() => {
    const refetch = () => void queryClient.invalidateQueries();
    const unsubscribeKey = api.apiKey.subscribe(refetch);
    const unsubscribeSession = api.sessions.subscribe(refetch);
    return () => {
      unsubscribeKey();
      unsubscribeSession();
    };
  }, [api.apiKey, api.sessions, queryClient]);
  // Another workspace: nothing of the old one stays on screen; every page fetches anew.
  useEffect(
    () => api.workspace.subscribe(() => void queryClient.resetQueries()),
    [api.workspace, queryClient],
  );
  return (
    <ApiProvider api={api}>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </ApiProvider>
  );
}
