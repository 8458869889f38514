import { create } from "@bufbuild/protobuf";
import { McpToolConfigSchema, type McpToolConfig } from "@mcp/proto/registry";
import { InvalidArgumentError } from "@mcp/errors";
import { config, llmPrompt, mcpTool } from "@mcp/mcp-types/testing";
import { ToolProbeError, type ProbedTool, type ToolProbe } from "./tool-probe";
import {
  checkToolOffered,
  takeToolSnapshot,
  toolSnapshotFields,
  type StoredToolSnapshot,
} from "./tool-snapshot";

const NOW = new Date("2026-01-02T03:04:05.000Z");
const ECHO: ProbedTool = {
  name: "echo",
  description: "Echoes",
  inputSchema: { type: "object", properties: { message: { type: "string" } } },
};

/** A probe answering from a script, recording what it was asked. */
class FakeProbe implements ToolProbe {
  readonly asked: McpToolConfig[] = [];
  constructor(private readonly answer: () => readonly ProbedTool[]) {}
  async listTools(toolConfig: McpToolConfig): Promise<readonly ProbedTool[]> {
    this.asked.push(toolConfig);
    return this.answer();
  }
}

const withTool = (toolName: string) => create(McpToolConfigSchema, { ...mcpTool(), toolName });

describe("takeToolSnapshot", () => {
  it("stores the listed tools with the time they were taken", async () => {
    const probe = new FakeProbe(() => [ECHO]);
    const snapshot = await takeToolSnapshot(probe, config({ case: "mcpTool", value: mcpTool() }), () => NOW);
    expect(snapshot).toEqual({
      taken_at: "2026-01-02T03:04:05.000Z",
      tools: [{ name: "echo", description: "Echoes", input_schema: ECHO.inputSchema }],
    });
    expect(probe.asked).toHaveLength(1);
  });

  it("stores the probe's error as the flag instead of failing", async () => {
    const probe = new FakeProbe(() => {
      throw new ToolProbeError("could not list the tools of the server at http://x/mcp: fetch failed");
    });
    const snapshot = await takeToolSnapshot(probe, config({ case: "mcpTool", value: mcpTool() }), () => NOW);
    expect(snapshot).toEqual({
      attempted_at: "2026-01-02T03:04:05.000Z",
      error: "could not list the tools of the server at http://x/mcp: fetch failed",
    });
  });

  it("does not probe other MCP types", async () => {
    const probe = new FakeProbe(() => [ECHO]);
    expect(await takeToolSnapshot(probe, config({ case: "llmPrompt", value: llmPrompt() }))).toBeNull();
    expect(probe.asked).toHaveLength(0);
  });
});

describe("checkToolOffered", () => {
  const listed: StoredToolSnapshot = {
    taken_at: NOW.toISOString(),
    tools: [
      { name: "echo", description: "", input_schema: {} },
      { name: "add", description: "", input_schema: {} },
    ],
  };

  it("passes when the server offers the tool", () => {
    expect(() => checkToolOffered(withTool("add"), listed)).not.toThrow();
  });

  it("rejects a tool the server does not offer, naming the field and the tools", () => {
    let error: unknown;
    try {
      checkToolOffered(withTool("sum"), listed);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    const invalid = error as InvalidArgumentError;
    expect(invalid.violations).toEqual([
      {
        field: "config.mcp_tool.tool_name",
        description: 'the server offers no tool "sum"; it offers "echo", "add"',
      },
    ]);
    expect(invalid.metadata["offered_tools"]).toBe("echo,add");
  });

  it("passes when there is nothing to check against", () => {
    expect(() => checkToolOffered(withTool("sum"), null)).not.toThrow();
    expect(() => checkToolOffered(withTool("sum"), { attempted_at: "", error: "unreachable" })).not.toThrow();
    expect(() => checkToolOffered(withTool("sum"), { taken_at: "", tools: [] })).not.toThrow();
  });
});

describe("toolSnapshotFields", () => {
  it("maps a stored snapshot to ToolSnapshot", () => {
    const fields = toolSnapshotFields({
      type: "mcp_tool",
      toolSnapshot: {
        taken_at: NOW.toISOString(),
        tools: [{ name: "echo", description: "Echoes", input_schema: ECHO.inputSchema }],
      },
    });
    expect(fields.toolSnapshotError).toBe("");
    expect(fields.toolSnapshot?.tools[0]).toMatchObject({
      name: "echo",
      description: "Echoes",
      inputSchema: ECHO.inputSchema,
    });
    expect(Number(fields.toolSnapshot?.takenTime?.seconds)).toBe(NOW.getTime() / 1000);
  });

  it("maps a stored error to the flag", () => {
    expect(
      toolSnapshotFields({ type: "mcp_tool", toolSnapshot: { attempted_at: "", error: "unreachable" } }),
    ).toEqual({
      toolSnapshotError: "unreachable",
    });
  });

  it("flags an mcp_tool version that was never probed, and nothing else", () => {
    expect(toolSnapshotFields({ type: "mcp_tool", toolSnapshot: null }).toolSnapshotError).toContain(
      "not probed",
    );
    expect(toolSnapshotFields({ type: "python_script", toolSnapshot: null })).toEqual({
      toolSnapshotError: "",
    });
  });
});
