import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createRouterTransport } from "@connectrpc/connect";
import { McpSchema, McpType, RegistryService } from "@mcp/proto/registry";
import { screen, render, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { createSessionStore } from "./sign-in/session";
import { createApiKeyStore } from "./api/api-key";
import { createClients } from "./api/clients";
import { bearerInterceptor } from "./api/transports";
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
        api={{ clients, config, apiKey, sessions: createSessionStore(sessionStorage) }}
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
});
