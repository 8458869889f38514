import { create } from "@bufbuild/protobuf";
import { McpUsageSchema, WorkflowService } from "@mcp/proto/workflows";
import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithApi } from "../../test/render";
import { UsedBy } from "./used-by";

describe("UsedBy", () => {
  it("lists each workflow version's steps and how they select the MCP's version", async () => {
    const asked: string[] = [];
    renderWithApi(<UsedBy mcpId="m-1" />, {
      routes: (r) =>
        r.service(WorkflowService, {
          listMcpUsages: (req) => {
            asked.push(req.mcp.value ?? "");
            return {
              usages: [
                create(McpUsageSchema, {
                  workflowId: "w",
                  workflowName: "greet",
                  workflowVersion: 2,
                  latest: true,
                  steps: [
                    {
                      stepId: "hello",
                      mcp: { mcp: { case: "id", value: "m-1" }, selector: { case: "version", value: 1 } },
                    },
                  ],
                }),
                create(McpUsageSchema, {
                  workflowId: "w",
                  workflowName: "greet",
                  workflowVersion: 1,
                  current: true,
                  steps: [
                    {
                      stepId: "hi",
                      mcp: {
                        mcp: { case: "name", value: "echo" },
                        selector: { case: "label", value: "production" },
                      },
                    },
                  ],
                }),
              ],
            };
          },
        }),
    });
    const table = await screen.findByRole("table", { name: "Workflows using this MCP" });
    expect(asked).toEqual(["m-1"]);
    const rows = within(table)
      .getAllByRole("row")
      .slice(1)
      .map((r) => r.textContent);
    expect(rows).toEqual(["greetv2 latesthelloversion 1", "greetv1 currenthilabel production"]);
    expect(within(table).getByRole("link", { name: "greet version 1" }).getAttribute("href")).toBe(
      "/workflows/greet?version=1",
    );
  });

  it("says so when no workflow uses the MCP", async () => {
    renderWithApi(<UsedBy mcpId="m-2" />, {
      routes: (r) => r.service(WorkflowService, { listMcpUsages: () => ({ usages: [] }) }),
    });
    expect(await screen.findByText("No workflow uses this MCP.")).toBeTruthy();
  });
});
