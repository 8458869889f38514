import { ExecutorService, RunStatus, type ListRunsRequest } from "@mcp/proto/executor";
import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { run } from "../test/builders";
import { renderWithApi } from "../test/render";
import { LastRun } from "./last-run";

describe("LastRun", () => {
  it("shows the workflow's newest run, asked for by id, one row, as a link to it", async () => {
    const asked: ListRunsRequest[] = [];
    renderWithApi(<LastRun workflowId="wf-1" />, {
      routes: (router) =>
        router.service(ExecutorService, {
          listRuns: (req) => {
            asked.push(req);
            return { runs: [run(RunStatus.FAILED, [], { id: "r-9" })] };
          },
        }),
    });
    const link = await screen.findByRole("link", { name: /^Last run: FAILED/ });
    expect(link.getAttribute("href")).toBe("/runs/r-9");
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ pageSize: 1, filter: { workflow: "wf-1" } });
  });

  it("says so when the workflow never ran", async () => {
    renderWithApi(<LastRun workflowId="wf-2" />, {
      routes: (router) => router.service(ExecutorService, { listRuns: () => ({ runs: [] }) }),
    });
    expect(await screen.findByText("never run")).toBeTruthy();
  });
});
