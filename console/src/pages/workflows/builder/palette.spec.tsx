import { create } from "@bufbuild/protobuf";
import { McpSchema, McpType, RegistryService, type ListMcpsRequest } from "@mcp/proto/registry";
import { WorkflowService } from "@mcp/proto/workflows";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithApi } from "../../../test/render";
import { Palette } from "./palette";

const mcp = (name: string) =>
  create(McpSchema, { id: `id-${name}`, name, type: McpType.PYTHON_SCRIPT, labels: { latest: 1 } });

describe("Palette", () => {
  it("keeps the last list, marked busy, while a new search loads, then shows the new one", async () => {
    const requests: ListMcpsRequest[] = [];
    // the searches after the first list answer only when the test lets them
    const held: Array<() => void> = [];
    renderWithApi(<Palette onAdd={() => undefined} />, {
      routes: (router) => {
        router.service(RegistryService, {
          listMcps: async (req) => {
            requests.push(req);
            if (req.filter?.text) await new Promise<void>((resolve) => held.push(resolve));
            return { mcps: req.filter?.text ? [mcp("summarize")] : [mcp("summarize"), mcp("translate")] };
          },
        });
        router.service(WorkflowService, { listWorkflows: () => ({ workflows: [] }) });
      },
    });
    const list = await screen.findByRole("list", { name: "MCPs" });
    await within(list).findByText("translate");

    await userEvent.type(screen.getByLabelText("Search MCPs"), "sum");
    await waitFor(() => expect(requests.at(-1)?.filter?.text).toBe("sum"));
    // the search is in flight: the list still holds the two MCPs, and says it is busy
    expect(list.getAttribute("aria-busy")).toBe("true");
    expect(
      within(list)
        .getAllByRole("listitem")
        .map((item) => item.querySelector("strong")?.textContent),
    ).toEqual(["summarize", "translate"]);

    for (const release of held) release();
    await waitFor(() => expect(list.getAttribute("aria-busy")).toBe("false"));
    expect(within(list).getAllByRole("listitem")).toHaveLength(1);
    expect(within(list).getByText("summarize")).toBeDefined();
  });
});
