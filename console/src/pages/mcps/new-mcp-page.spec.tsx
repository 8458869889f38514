import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { McpSchema, McpType, RegistryService, type CreateMcpRequest } from "@mcp/proto/registry";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithApi } from "../../test/render";
import { NewMcpPage } from "./new-mcp-page";

function setup(fail?: ConnectError) {
  const calls: CreateMcpRequest[] = [];
  const app = renderWithApi(<NewMcpPage />, {
    path: "/mcps/new",
    pattern: "/mcps/new",
    routes: (router) =>
      router.service(RegistryService, {
        createMcp: (req) => {
          calls.push(req);
          if (fail) throw fail;
          return { mcp: create(McpSchema, { name: req.name, type: McpType.LLM_PROMPT, latestVersion: 1 }) };
        },
      }),
  });
  return { calls, ...app };
}

describe("NewMcpPage", () => {
  it("creates the MCP from the form and opens its page", async () => {
    const user = userEvent.setup();
    const { calls, landed } = setup();
    await user.type(screen.getByLabelText("Name"), "summarize");
    await user.selectOptions(screen.getByLabelText("Type"), "llm_prompt");
    await user.type(screen.getByLabelText("Tags"), "demo, text");
    // the editor mounts lazily: between the fallback and its view, the label may point at nothing yet
    const config = await screen.findByLabelText("Config (YAML or JSON)");
    // the plain text area until CodeMirror has loaded, then the editor
    const shown = config instanceof HTMLTextAreaElement ? config.value : config.textContent;
    expect(shown).toContain("template:"); // the llm_prompt starter replaced the python one
    await user.click(screen.getByRole("button", { name: "Create MCP" }));

    expect((await landed()).textContent).toBe("/mcps/summarize");
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ name: "summarize", tags: ["demo", "text"] });
    expect(calls[0]!.config?.kind).toMatchObject({ case: "llmPrompt", value: { model: "gpt-4o-mini" } });
  });

  it("shows the service's error and stays on the form", async () => {
    const user = userEvent.setup();
    setup(new ConnectError('an MCP named "taken" already exists', Code.AlreadyExists));
    await user.type(screen.getByLabelText("Name"), "taken");
    await user.click(screen.getByRole("button", { name: "Create MCP" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("ALREADY_EXISTS");
    expect(alert.textContent).toContain('an MCP named "taken" already exists');
    expect(screen.queryByTestId("landed")).toBeNull();
  });

  it("reports a config that does not parse without calling the service", async () => {
    const user = userEvent.setup();
    const { calls } = setup();
    await user.type(screen.getByLabelText("Name"), "x");
    // the editor mounts lazily: between the fallback and its view, the label may point at nothing yet
    const config = await screen.findByLabelText("Config (YAML or JSON)");
    await user.clear(config);
    await user.type(config, "scriptContent: [[");
    await user.click(screen.getByRole("button", { name: "Create MCP" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/Config: not valid YAML or JSON/);
    expect(calls).toHaveLength(0);
  });
});
