import { ExecutorService } from "@mcp/proto/executor";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithApi } from "../test/render";
import { OpenRun } from "./open-run";

describe("OpenRun", () => {
  it("goes to the run page of the id typed, short ids included", async () => {
    const user = userEvent.setup();
    const { router } = renderWithApi(<OpenRun />, {
      path: "/runs",
      pattern: "/runs",
      routes: (r) => r.service(ExecutorService, {}),
    });
    await user.type(screen.getByLabelText("Run id"), " 3f2a9c1b ");
    await user.click(screen.getByRole("button", { name: "Open run" }));
    expect(router.state.location.pathname).toBe("/runs/3f2a9c1b");
  });
});
