import { create } from "@bufbuild/protobuf";
import { McpSchema, RegistryService, type SetMcpLabelRequest } from "@mcp/proto/registry";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithApi } from "../../test/render";
import { LabelMover, moveQuestion } from "./label-mover";

const mcp = create(McpSchema, {
  name: "summarize",
  latestVersion: 3,
  labels: { latest: 3, production: 1 },
});

function setup() {
  const calls: SetMcpLabelRequest[] = [];
  renderWithApi(<LabelMover mcp={mcp} />, {
    routes: (router) =>
      router.service(RegistryService, {
        setMcpLabel: (req) => {
          calls.push(req);
          return { mcp, move: { label: req.label, fromVersion: 1, toVersion: req.version } };
        },
      }),
  });
  return calls;
}

describe("LabelMover", () => {
  it("asks first, and calls SetMcpLabel only once the move is confirmed", async () => {
    const user = userEvent.setup();
    const calls = setup();
    const form = await screen.findByRole("form", { name: "Move label" });
    await user.selectOptions(screen.getByLabelText("Label"), "production");
    await user.selectOptions(screen.getByLabelText("Version"), "2");
    await user.type(screen.getByLabelText("Reason"), "reviewed");
    await user.click(screen.getByRole("button", { name: "Move label" }));

    const dialog = screen.getByRole("dialog", { name: "Move production from v1 to v2?" });
    expect(calls).toHaveLength(0);
    expect(form).toBeTruthy();

    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(calls).toHaveLength(0);

    await user.click(screen.getByRole("button", { name: "Move label" }));
    expect(document.activeElement?.textContent).toBe("Cancel"); // focus starts on the safe choice
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(calls).toHaveLength(0);

    await user.click(screen.getByRole("button", { name: "Move label" }));
    const again = screen.getByRole("dialog", { name: "Move production from v1 to v2?" });
    expect(again).not.toBe(dialog);
    await user.click(within(again).getByRole("button", { name: "Move label" }));

    expect(await screen.findByText("production now points at v2.")).toBeTruthy();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      mcp: { case: "name", value: "summarize" },
      label: "production",
      version: 2,
      reason: "reviewed",
    });
  });

  it("cannot move a label to the version it already points at", async () => {
    const user = userEvent.setup();
    setup();
    await user.selectOptions(await screen.findByLabelText("Version"), "1");
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Move label" }).disabled).toBe(true);
    expect(screen.getByText("production already points at v1.")).toBeTruthy();
  });
});

describe("moveQuestion", () => {
  it("says where the label comes from, or that it is new", () => {
    expect(moveQuestion("production", 1, 2)).toBe("Move production from v1 to v2?");
    expect(moveQuestion("staging", undefined, 3)).toBe("Set staging to v3?");
  });
});
