import { create } from "@bufbuild/protobuf";
import { HttpTransportSchema, type McpToolConfig } from "@mcp/proto/registry";
import { validateMcpConfig, withDefaults } from "../index";
import { config, fields, mcpTool } from "../testing";

/** Field paths of the violations of the example mcp_tool config after `change`. */
function violationsAfter(change: (c: McpToolConfig) => void): string[] {
  const c = mcpTool();
  change(c);
  return fields(validateMcpConfig(config({ case: "mcpTool", value: c })));
}

/** An http transport. */
const http = (url: string, headers: Record<string, string> = {}): McpToolConfig["transport"] => ({
  case: "http",
  value: create(HttpTransportSchema, { url, headers }),
});

describe("validateMcpConfig (mcp_tool)", () => {
  it("accepts a stdio transport and an http transport with headers", () => {
    expect(violationsAfter(() => {})).toEqual([]);
    expect(
      violationsAfter((c) => (c.transport = http("https://tools.example.com/mcp", { "X-Api-Key": "k" }))),
    ).toEqual([]);
  });

  it("requires exactly one transport, naming the transport oneof", () => {
    expect(violationsAfter((c) => (c.transport = { case: undefined }))).toEqual([
      "config.mcp_tool.transport",
    ]);
  });

  it("requires a stdio command", () => {
    const paths = violationsAfter((c) => {
      if (c.transport.case === "stdio") c.transport.value.command = "";
    });
    expect(paths).toEqual(["config.mcp_tool.stdio.command"]);
  });

  it("rejects env keys that are not variable names, naming the key", () => {
    const paths = violationsAfter((c) => {
      if (c.transport.case === "stdio") c.transport.value.env = { Path: "/bin", "BAD-KEY": "1", "1X": "2" };
    });
    expect(paths).toEqual(['config.mcp_tool.stdio.env["BAD-KEY"]', 'config.mcp_tool.stdio.env["1X"]']);
  });

  it("rejects a relative cwd and accepts an absolute one", () => {
    const withCwd = (cwd: string) => (c: McpToolConfig) => {
      if (c.transport.case === "stdio") c.transport.value.cwd = cwd;
    };
    expect(violationsAfter(withCwd("work"))).toEqual(["config.mcp_tool.stdio.cwd"]);
    expect(violationsAfter(withCwd("/srv/work"))).toEqual([]);
  });

  it("requires an http(s) url", () => {
    expect(violationsAfter((c) => (c.transport = http("")))).toEqual(["config.mcp_tool.http.url"]);
    expect(violationsAfter((c) => (c.transport = http("ws://tools.example.com")))).toEqual([
      "config.mcp_tool.http.url",
    ]);
    expect(violationsAfter((c) => (c.transport = http("http://localhost:3000/mcp")))).toEqual([]);
  });

  it("rejects invalid header names and multi-line header values", () => {
    const paths = violationsAfter(
      (c) => (c.transport = http("https://x.example", { "Bad Header": "v", Ok: "a\r\nb" })),
    );
    expect(paths).toEqual([
      'config.mcp_tool.http.headers["Bad Header"]',
      'config.mcp_tool.http.headers["Ok"]',
    ]);
  });

  it("requires a tool_name", () => {
    expect(violationsAfter((c) => (c.toolName = ""))).toEqual(["config.mcp_tool.tool_name"]);
  });

  it("accepts a timeout of 1..3600 seconds only", () => {
    expect(violationsAfter((c) => (c.timeoutSeconds = 0))).toEqual(["config.mcp_tool.timeout_seconds"]);
    expect(violationsAfter((c) => (c.timeoutSeconds = 3601))).toEqual(["config.mcp_tool.timeout_seconds"]);
    expect(violationsAfter((c) => (c.timeoutSeconds = 3600))).toEqual([]);
  });
});

describe("withDefaults (mcp_tool)", () => {
  it("fills a timeout of 60 and keeps a given one", () => {
    const filled = withDefaults(config({ case: "mcpTool", value: mcpTool() })).kind.value as McpToolConfig;
    expect(filled.timeoutSeconds).toBe(60);
    const given = Object.assign(mcpTool(), { timeoutSeconds: 7 });
    expect(
      (withDefaults(config({ case: "mcpTool", value: given })).kind.value as McpToolConfig).timeoutSeconds,
    ).toBe(7);
  });
});
