import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createRouterTransport } from "@connectrpc/connect";
import { McpSchema, McpType, RegistryService, WorkspaceService, WorkspaceSchema } from "@mcp/proto/registry";
import { screen, render, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { createSessionStore } from "./sign-in/session";
import { createApiKeyStore, createWorkspaceStore } from "./api/api-key";
import { createClients } from "./api/clients";
import { bearerInterceptor, workspaceInterceptor } from "./api/transports";
import { App, createQueryClient } from "./app";

describe("App", () => {
  it("fetches a page again when the API key changes: a list refused for a bad key loads once the key is cleared", async () => {
    const user = userEvent.setup();
    const apiKey = createApiKeyStore(localStorage);
    apiKey.set("not-a-key");
    // A registry that, like the real one, refuses a read that presents an invalid key.
    const transport = createRouterTransport(
      (router) =>
        router.service(RegistryService, {
          listMcps: (_req, ctx) => {
            if (ctx.requestHeader.get("authorization") !== null)
              throw new ConnectError("the API key is malformed", Code.Unauthenticated);
            return {
              mcps: [
                create(McpSchema, { id: "1", name: "echo", type: McpType.PYTHON_SCRIPT, latestVersion: 1 }),
              ],
            };
          },
        }),
      { transport: { interceptors: [bearerInterceptor(() => apiKey.get())] } },
    );
    const clients = createClients({ registry: transport, workflows: transport, executor: transport });
    const config = { registryUrl: "http://r", workflowsUrl: "http://w", executorUrl: "http://e" };
    window.history.pushState({}, "", "/mcps");
    render(
      <App
        api={{
          clients,
          config,
          apiKey,
          sessions: createSessionStore(sessionStorage),
          workspace: createWorkspaceStore(localStorage),
        }}
        queryClient={createQueryClient()}
      />,
    );

    const alert = await screen.findByRole("alert");
    expect(within(alert).getByText("UNAUTHENTICATED")).toBeTruthy();
    expect(within(alert).getByText("the API key is malformed")).toBeTruthy();

    await user.click(screen.getByRole("button", { name: "Settings" }));
    const dialog = screen.getByRole("dialog", { name: "Settings" });
    await user.click(within(dialog).getByRole("button", { name: "Clear key" }));
    await user.click(within(dialog).getByRole("button", { name: "Close" }));

    expect(await screen.findByRole("link", { name: "echo" })).toBeTruthy();
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.getByText("no API key")).toBeTruthy();
  });

  it("the header's workspace switcher sends the chosen workspace on every call, remembers it, and shows that workspace's list", async () => {
    const user = userEvent.setup();
    localStorage.clear();
    const workspace = createWorkspaceStore(localStorage);
    const mcp = (name: string) =>
      create(McpSchema, { id: name, name, type: McpType.PYTHON_SCRIPT, latestVersion: 1 });
    // A registry whose lists depend on the x-mcp-workspace header, like the real one.
    const transport = createRouterTransport(
      (router) => {
        router.service(RegistryService, {
          listMcps: (_req, ctx) => ({
            mcps: [mcp(`echo-of-${ctx.requestHeader.get("x-mcp-workspace") ?? "default"}`)],
          }),
        });
        router.service(WorkspaceService, {
          listWorkspaces: () => ({
            workspaces: ["default", "team-a"].map((name) => create(WorkspaceSchema, { name })),
          }),
        });
      },
      { transport: { interceptors: [workspaceInterceptor(() => workspace.get())] } },
    );
    const clients = createClients({ registry: transport, workflows: transport, executor: transport });
    const config = { registryUrl: "http://r", workflowsUrl: "http://w", executorUrl: "http://e" };
    window.history.pushState({}, "", "/mcps");
    render(
      <App
        api={{
          clients,
          config,
          apiKey: createApiKeyStore(localStorage),
          sessions: createSessionStore(sessionStorage),
          workspace,
        }}
        queryClient={createQueryClient()}
      />,
    );
    expect(await screen.findByRole("link", { name: "echo-of-default" })).toBeTruthy();
    await screen.findByRole("option", { name: "team-a" });
    await user.selectOptions(screen.getByRole("combobox", { name: "Workspace" }), "team-a");
    expect(await screen.findByRole("link", { name: "echo-of-team-a" })).toBeTruthy();
    expect(screen.queryByRole("link", { name: "echo-of-default" })).toBeNull();
    expect(localStorage.getItem("mcp-console.workspace")).toBe("team-a");
  });
});
