import { create } from "@bufbuild/protobuf";
import { McpSchema, McpType, McpVersionSchema, NetworkAccess } from "@mcp/proto/registry";
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { McpDetails } from "./mcp-details";

const mcp = create(McpSchema, { name: "fetcher", type: McpType.PYTHON_SCRIPT, latestVersion: 2 });

describe("McpDetails", () => {
  it("shows the version's network access and the secrets it receives", () => {
    const version = create(McpVersionSchema, {
      version: 2,
      config: {
        network: NetworkAccess.EGRESS,
        secrets: ["GITHUB_TOKEN", "PYPI_TOKEN"],
        kind: { case: "pythonScript", value: { source: { case: "scriptContent", value: "print(1)" } } },
      },
    });
    render(<McpDetails mcp={mcp} version={version} />);
    expect(screen.getByTestId("version-network").textContent).toMatch(/^egress: outside hosts/);
    expect(screen.getByTestId("version-secrets").textContent).toBe("GITHUB_TOKEN, PYPI_TOKEN");
  });

  it("says none without network access or secrets, and names an LLM provider's key secret", () => {
    const version = create(McpVersionSchema, {
      version: 1,
      config: {
        kind: { case: "llmPrompt", value: { template: "hi", provider: { apiKeySecret: "OPENAI_API_KEY" } } },
      },
    });
    render(<McpDetails mcp={mcp} version={version} />);
    expect(screen.getByTestId("version-network").textContent).toBe("none: no network");
    expect(screen.getByTestId("version-secrets").textContent).toBe("OPENAI_API_KEY (LLM provider's API key)");
  });

  it("shows the version's max_concurrency, or that it has no limit", () => {
    const limited = create(McpVersionSchema, {
      version: 3,
      config: {
        maxConcurrency: 2,
        kind: { case: "pythonScript", value: { source: { case: "scriptContent", value: "print(1)" } } },
      },
    });
    const { unmount } = render(<McpDetails mcp={mcp} version={limited} />);
    expect(screen.getByTestId("version-max-concurrency").textContent).toBe("2 steps at once, cluster-wide");
    unmount();
    render(<McpDetails mcp={mcp} version={create(McpVersionSchema, { version: 1, config: {} })} />);
    expect(screen.getByTestId("version-max-concurrency").textContent).toBe("no limit");
  });
});
