import type { RouteObject } from "react-router";
import { Layout } from "./components/layout";
import { RouteError } from "./components/route-error";
import { NotFoundPage } from "./pages/not-found-page";

/**
 * Every page and its address; the URL carries the page's state (filters, versions, the chosen step).
 * Pages load on first visit (their own chunks), so the YAML parser and dagre are fetched only by the
 * pages that use them.
 */
export const routes: RouteObject[] = [
  {
    element: <Layout />,
    errorElement: <RouteError />,
    children: [
      {
        index: true,
        lazy: async () => ({ Component: (await import("./pages/dashboard/dashboard-page")).DashboardPage }),
      },
      {
        path: "mcps",
        lazy: async () => ({ Component: (await import("./pages/mcps/mcp-list-page")).McpListPage }),
      },
      {
        path: "mcps/new",
        lazy: async () => ({ Component: (await import("./pages/mcps/new-mcp-page")).NewMcpPage }),
      },
      {
        path: "mcps/:name",
        lazy: async () => ({ Component: (await import("./pages/mcps/mcp-page")).McpPage }),
      },
      {
        path: "workflows",
        lazy: async () => ({
          Component: (await import("./pages/workflows/workflow-list-page")).WorkflowListPage,
        }),
      },
      {
        path: "workflows/new",
        lazy: async () => ({
          Component: (await import("./pages/workflows/new-workflow-page")).NewWorkflowPage,
        }),
      },
      {
        path: "workflows/:name/edit",
        lazy: async () => ({
          Component: (await import("./pages/workflows/edit-workflow-page")).EditWorkflowPage,
        }),
      },
      {
        path: "workflows/:name",
        lazy: async () => ({ Component: (await import("./pages/workflows/workflow-page")).WorkflowPage }),
      },
      {
        path: "runs",
        lazy: async () => ({ Component: (await import("./pages/runs/run-list-page")).RunListPage }),
      },
      {
        path: "runs/:id",
        lazy: async () => ({ Component: (await import("./pages/runs/run-page")).RunPage }),
      },
      {
        path: "secrets",
        lazy: async () => ({ Component: (await import("./pages/secrets/secrets-page")).SecretsPage }),
      },
      {
        path: "triggers",
        lazy: async () => ({ Component: (await import("./pages/triggers/triggers-page")).TriggersPage }),
      },
      {
        path: "schedules",
        lazy: async () => ({
          Component: (await import("./pages/schedules/schedule-list-page")).ScheduleListPage,
        }),
      },
      {
        path: "schedules/:name",
        lazy: async () => ({ Component: (await import("./pages/schedules/schedule-page")).SchedulePage }),
      },
      {
        path: "signin/callback",
        lazy: async () => ({
          Component: (await import("./sign-in/sign-in-callback-page")).SignInCallbackPage,
        }),
      },
      {
        path: "audit",
        lazy: async () => ({ Component: (await import("./pages/audit/audit-page")).AuditPage }),
      },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];
