import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { TriggerSchema, TriggerService, type DeleteTriggerRequest, type Trigger } from "@mcp/proto/executor";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithApi } from "../../test/render";
import { TriggersPage } from "./triggers-page";

interface TriggerInit {
  readonly inputPaths?: Record<string, string>;
  readonly version?: number;
  readonly ratePerMinute?: number;
  readonly burst?: number;
}

const trigger = (name: string, init: TriggerInit = {}): Trigger =>
  create(TriggerSchema, {
    name,
    description: `the ${name} hook`,
    workflow: { workflow: { case: "name", value: "triage" }, version: init.version },
    inputPaths: init.inputPaths ?? {},
    ratePerMinute: init.ratePerMinute ?? 60,
    burst: init.burst ?? 10,
    path: `/hooks/${name}`,
    keyId: "k1",
    secretTime: timestampFromMs(Date.parse("2026-03-01T12:00:00Z")),
  });

function setup(list: () => Trigger[]) {
  const deletes: DeleteTriggerRequest[] = [];
  renderWithApi(<TriggersPage />, {
    path: "/triggers",
    pattern: "/triggers",
    routes: (router) =>
      router.service(TriggerService, {
        listTriggers: () => ({ triggers: list(), nextPageToken: "" }),
        deleteTrigger: (req) => {
          deletes.push(req);
          return {};
        },
      }),
  });
  return { deletes };
}

describe("TriggersPage", () => {
  it("lists each trigger's workflow, webhook URL, input mapping and rate limit", async () => {
    setup(() => [
      trigger("github-pr", { inputPaths: { title: "pull_request.title" }, version: 3 }),
      trigger("plain", { ratePerMinute: 5, burst: 2 }),
    ]);
    const table = await screen.findByRole("table", { name: "Triggers" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(2);
    const first = within(rows[0]!)
      .getAllByRole("cell")
      .map((c) => c.textContent);
    expect(first.slice(0, 4)).toEqual([
      "triage v3",
      "POST http://e/hooks/github-pr",
      "title ← pull_request.title",
      "60/min, 10 at once",
    ]);
    expect(within(rows[0]!).getByRole("link", { name: "triage" }).getAttribute("href")).toBe(
      "/workflows/triage?version=3",
    );
    const second = within(rows[1]!)
      .getAllByRole("cell")
      .map((c) => c.textContent);
    expect(second.slice(0, 4)).toEqual([
      "triage (current)",
      "POST http://e/hooks/plain",
      "the whole body",
      "5/min, 2 at once",
    ]);
    expect(screen.getByRole("heading", { level: 1, name: "Triggers" })).toBeTruthy();
  });

  it("deletes a trigger after a confirmation", async () => {
    const user = userEvent.setup();
    let triggers = [trigger("old-hook")];
    const { deletes } = setup(() => triggers);
    await user.click(await screen.findByRole("button", { name: "Delete old-hook" }));
    const dialog = screen.getByRole("dialog", { name: "Delete trigger old-hook?" });
    triggers = [];
    await user.click(within(dialog).getByRole("button", { name: "Delete trigger" }));
    await screen.findByRole("status");
    expect(deletes.map((d) => d.name)).toEqual(["old-hook"]);
    await waitFor(() => expect(screen.queryByRole("table", { name: "Triggers" })).toBeNull());
  });

  it("says an admin key is needed when the executor refuses the list", async () => {
    renderWithApi(<TriggersPage />, {
      path: "/triggers",
      pattern: "/triggers",
      routes: (router) =>
        router.service(TriggerService, {
          listTriggers: () => {
            throw new ConnectError("the admin role is needed", Code.PermissionDenied);
          },
        }),
    });
    expect(await screen.findByText(/needs an API key with the admin role/)).toBeTruthy();
  });
});
