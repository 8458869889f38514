import { create } from "@bufbuild/protobuf";
import {
  McpFacetsSchema,
  McpSchema,
  McpType,
  RegistryService,
  type ListMcpsRequest,
} from "@mcp/proto/registry";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithApi } from "../../test/render";
import { McpListPage } from "./mcp-list-page";

const mcp = (name: string, deprecated = false) =>
  create(McpSchema, { id: name, name, type: McpType.PYTHON_SCRIPT, latestVersion: 1, deprecated });

const facets = create(McpFacetsSchema, {
  types: [{ type: McpType.PYTHON_SCRIPT, count: 3 }],
  tags: [
    { value: "demo", count: 2 },
    { value: "ops", count: 1 },
  ],
  labels: [{ value: "production", count: 1 }],
  deprecated: 1,
  notDeprecated: 2,
});

describe("McpListPage", () => {
  it("filters from the URL and pages with Load more; facets only with the first page", async () => {
    const user = userEvent.setup();
    const calls: ListMcpsRequest[] = [];
    renderWithApi(<McpListPage />, {
      path: "/mcps?q=ech&type=python_script",
      pattern: "/mcps",
      routes: (r) =>
        r.service(RegistryService, {
          listMcps: (req) => {
            calls.push(req);
            return req.pageToken === ""
              ? { mcps: [mcp("echo-1", true), mcp("echo-2")], nextPageToken: "page-2", facets }
              : { mcps: [mcp("echo-3")], nextPageToken: "" };
          },
        }),
    });
    const table = await screen.findByRole("table", { name: "MCPs" });
    expect(calls[0]).toMatchObject({
      includeFacets: true,
      filter: { text: "ech", types: [McpType.PYTHON_SCRIPT], tags: [], labels: [] },
    });
    expect(calls[0]?.filter?.deprecated).toBeUndefined();
    expect(
      within(table)
        .getAllByRole("link")
        .map((a) => a.textContent),
    ).toEqual(["echo-1", "echo-2"]);
    expect(within(table).getByText("deprecated")).toBeTruthy();

    await user.click(screen.getByRole("button", { name: "Load more" }));
    await screen.findByRole("link", { name: "echo-3" });
    expect(calls[1]).toMatchObject({ pageToken: "page-2", includeFacets: false, filter: { text: "ech" } });
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull(); // the last page
  });

  it("shows each facet value with its count; a checkbox, a radio and a chip change the URL", async () => {
    const user = userEvent.setup();
    const { router } = renderWithApi(<McpListPage />, {
      path: "/mcps?type=python_script",
      pattern: "/mcps",
      routes: (r) =>
        r.service(RegistryService, {
          listMcps: () => ({ mcps: [mcp("echo-1")], nextPageToken: "", facets }),
        }),
    });
    const panel = await screen.findByRole("complementary", { name: "Facets" });
    const tags = within(panel).getByRole("group", { name: "Tags" });
    await within(tags).findByText("demo");
    expect(within(tags).getByLabelText("2 MCPs")).toBeTruthy();
    const python = within(within(panel).getByRole("group", { name: "Type" })).getByRole("checkbox", {
      name: /python_script/,
    });
    expect((python as HTMLInputElement).checked).toBe(true);

    await user.click(within(tags).getByRole("checkbox", { name: /demo/ }));
    expect(router.state.location.search).toBe("?type=python_script&tag=demo");
    await user.click(within(panel).getByRole("radio", { name: /^deprecated/ }));
    expect(router.state.location.search).toBe("?type=python_script&tag=demo&deprecated=yes");

    const chips = await screen.findByRole("list", { name: "Chosen filters" });
    await user.click(within(chips).getByRole("button", { name: "Remove type: python_script" }));
    expect(router.state.location.search).toBe("?tag=demo&deprecated=yes");
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
