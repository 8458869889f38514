import { create } from "@bufbuild/protobuf";
import { McpSchema, McpType, RegistryService, type ListMcpsRequest } from "@mcp/proto/registry";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithApi } from "../../test/render";
import { McpListPage } from "./mcp-list-page";

const mcp = (name: string) =>
  create(McpSchema, { id: name, name, type: McpType.PYTHON_SCRIPT, latestVersion: 1 });

describe("McpListPage", () => {
  it("filters from the URL and pages with Load more", async () => {
    const user = userEvent.setup();
    const calls: ListMcpsRequest[] = [];
    const { router } = renderWithApi(<McpListPage />, {
      path: "/mcps?q=ech&type=python_script",
      pattern: "/mcps",
      routes: (r) =>
        r.service(RegistryService, {
          listMcps: (req) => {
            calls.push(req);
            return req.pageToken === ""
              ? { mcps: [mcp("echo-1"), mcp("echo-2")], nextPageToken: "page-2" }
              : { mcps: [mcp("echo-3")], nextPageToken: "" };
          },
        }),
    });
    const table = await screen.findByRole("table", { name: "MCPs" });
    expect(calls[0]?.filter).toMatchObject({ text: "ech", type: McpType.PYTHON_SCRIPT, tag: "" });
    expect(
      within(table)
        .getAllByRole("link")
        .map((a) => a.textContent),
    ).toEqual(["echo-1", "echo-2"]);

    await user.click(screen.getByRole("button", { name: "Load more" }));
    await screen.findByRole("link", { name: "echo-3" });
    expect(calls[1]).toMatchObject({ pageToken: "page-2", filter: { text: "ech" } });
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull(); // the last page

    await user.type(screen.getByLabelText("Tag"), "demo");
    await user.click(screen.getByRole("button", { name: "Search" }));
    expect(router.state.location.search).toBe("?q=ech&type=python_script&tag=demo");
  });

  it("says so when nothing matches", async () => {
    renderWithApi(<McpListPage />, {
      path: "/mcps?tag=none",
      pattern: "/mcps",
      routes: (r) => r.service(RegistryService, { listMcps: () => ({ mcps: [] }) }),
    });
    expect(await screen.findByText("No MCP matches these filters.")).toBeTruthy();
  });
});
