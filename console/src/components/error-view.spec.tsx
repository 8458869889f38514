import { Code, ConnectError } from "@connectrpc/connect";
import { errorDetails } from "@mcp/proto/grpc";
import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ErrorView } from "./error-view";

describe("ErrorView", () => {
  it("shows the code name and the message as the API stated them", () => {
    render(
      <ErrorView error={new ConnectError('MCP "nope" not found', Code.NotFound)} title="Could not load" />,
    );
    const alert = screen.getByRole("alert");
    expect(alert.textContent).toContain("NOT_FOUND");
    expect(alert.textContent).toContain('MCP "nope" not found');
    expect(alert.textContent).not.toContain("[not_found]"); // the raw message, not ConnectError.message
  });

  it("lists every field violation carried by the error", () => {
    const err = new ConnectError("invalid MCP", Code.InvalidArgument, undefined, [
      {
        desc: errorDetails.BadRequestSchema,
        value: {
          fieldViolations: [
            { field: "name", description: "must start with a letter" },
            { field: "config.python_script.timeout_seconds", description: "must be 1..3600" },
          ],
        },
      },
    ]);
    render(<ErrorView error={err} />);
    expect(screen.getByRole("alert").textContent).toContain("INVALID_ARGUMENT");
    const items = within(screen.getByRole("list", { name: "Field violations" })).getAllByRole("listitem");
    expect(items.map((li) => li.textContent)).toEqual([
      "name must start with a letter",
      "config.python_script.timeout_seconds must be 1..3600",
    ]);
  });
});
