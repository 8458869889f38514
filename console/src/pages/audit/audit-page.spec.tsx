import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { AuditEventSchema, AuditService, type ListAuditEventsRequest } from "@mcp/proto/registry";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithApi } from "../../test/render";
import { AuditPage } from "./audit-page";

const event = (id: string, method: string, outcome: string) =>
  create(AuditEventSchema, {
    id,
    eventTime: timestampFromMs(Date.parse("2026-03-01T12:00:00Z")),
    workspace: "default",
    actorKind: "key",
    actor: "ci",
    service: "mcp.registry.v1.RegistryService",
    method,
    target: "summarize label=production",
    outcome,
    requestId: `rq-${id}`,
  });

describe("AuditPage", () => {
  it("lists events and sends the filters from the form (and the URL)", async () => {
    const requests: ListAuditEventsRequest[] = [];
    renderWithApi(<AuditPage />, {
      path: "/audit?actor=ci",
      pattern: "/audit",
      routes: (router) =>
        router.service(AuditService, {
          listAuditEvents: (req) => {
            requests.push(req);
            return { events: [event("2", "SetMcpLabel", "PERMISSION_DENIED")], nextPageToken: "" };
          },
        }),
    });
    const table = await screen.findByRole("table", { name: "Audit events" });
    const cells = within(within(table).getAllByRole("row")[1]!)
      .getAllByRole("cell")
      .map((c) => c.textContent);
    expect(cells.slice(1)).toEqual([
      "ci (key)",
      "SetMcpLabel",
      "summarize label=production",
      "PERMISSION_DENIED",
      "rq-2",
    ]);
    expect(requests[0]?.filter?.actor).toBe("ci");

    await userEvent.type(screen.getByLabelText("RPC"), "SetMcpLabel");
    await userEvent.selectOptions(screen.getByLabelText("Since"), "24");
    await userEvent.click(screen.getByRole("button", { name: "Filter" }));
    await waitFor(() => expect(requests.at(-1)?.filter?.method).toBe("SetMcpLabel"));
    expect(requests.at(-1)?.filter?.actor).toBe("ci");
    expect(requests.at(-1)?.filter?.after).toBeDefined();
  });

  it("says the log is for admins when the registry refuses", async () => {
    renderWithApi(<AuditPage />, {
      path: "/audit",
      pattern: "/audit",
      routes: (router) =>
        router.service(AuditService, {
          listAuditEvents: () => {
            throw new ConnectError('ListAuditEvents needs the "admin" role', Code.PermissionDenied);
          },
        }),
    });
    expect(await screen.findByText(/The audit log is for admins of the workspace/)).toBeTruthy();
  });
});
