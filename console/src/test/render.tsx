import { createRouterTransport, type ConnectRouter } from "@connectrpc/connect";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import type { ReactElement } from "react";
import { createMemoryRouter, RouterProvider, useLocation } from "react-router";
import { createApiKeyStore, createWorkspaceStore } from "../api/api-key";
import { createClients } from "../api/clients";
import { ApiProvider } from "../api/context";
import { createSessionStore } from "../sign-in/session";

/** Shows where the app navigated to, for assertions. */
function Landed() {
  const location = useLocation();
  return <p data-testid="landed">{location.pathname}</p>;
}

/**
 * Renders `ui` at `path` (matched by `pattern`, for route params) with clients whose three services are
 * the in-memory handlers registered by `routes` (Connect's router transport: real serialisation, real
 * errors). Navigating elsewhere renders the new pathname in `landed()`.
 */
export function renderWithApi(
  ui: ReactElement,
  {
    routes,
    path = "/",
    pattern = "/",
    traceUrl,
  }: { routes: (router: ConnectRouter) => void; path?: string; pattern?: string; traceUrl?: string },
) {
  const transport = createRouterTransport(routes);
  const clients = createClients({ registry: transport, workflows: transport, executor: transport });
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  const config = {
    registryUrl: "http://r",
    workflowsUrl: "http://w",
    executorUrl: "http://e",
    ...(traceUrl ? { traceUrl } : {}),
  };
  const router = createMemoryRouter(
    [
      { path: pattern, element: ui },
      { path: "*", element: <Landed /> },
    ],
    { initialEntries: [path] },
  );
  render(
    <ApiProvider
      api={{
        clients,
        config,
        apiKey: createApiKeyStore(localStorage),
        sessions: createSessionStore(sessionStorage),
        workspace: createWorkspaceStore(localStorage),
      }}
    >
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </ApiProvider>,
  );
  return { router, landed: () => screen.findByTestId("landed") };
}
