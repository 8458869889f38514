import { existsSync } from "node:fs";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import type { McpConfigSchema } from "@mcp/proto/registry";
import { reasonOf } from "@mcp/runtime";
import { expectCode } from "../support/errors";
import { deadMcpUrl, startMcpHttpServer, type McpHttpServer } from "../support/mcp-http-server";
import { newPythonMcp, uniqueName } from "../support/mcps";
import { SANDBOX_NODE_MODULES } from "../support/platform";
import { startTestRegistry, type TestRegistry } from "../support/registry";
import { ownWatchdogs } from "../support/sandbox-watchdogs";

type ConfigInit = MessageInitShape<typeof McpConfigSchema>;

/** An mcp_tool config calling `toolName` on the Streamable HTTP server at `url`. */
const httpTool = (url: string, toolName: string, headers: Record<string, string> = {}): ConfigInit => ({
  kind: { case: "mcpTool", value: { transport: { case: "http", value: { url, headers } }, toolName } },
});

describe("RegistryService tool snapshots of mcp_tool MCPs", () => {
  let reg: TestRegistry;
  let server: McpHttpServer;
  beforeAll(async () => {
    [reg, server] = await Promise.all([startTestRegistry(), startMcpHttpServer()]);
  });
  afterAll(async () => {
    await server.close();
    await reg.stop();
  });

  it("CreateMcp › stores the tools, descriptions and input schemas the server lists", async () => {
    const name = uniqueName("tool");
    const before = Date.now();
    const { version } = await reg.client.createMcp({
      name,
      config: httpTool(server.url, "echo", { authorization: "Bearer probe-token" }),
    });
    expect(version?.toolSnapshotError).toBe("");
    const snapshot = version?.toolSnapshot;
    expect(snapshot?.tools.map((t) => t.name)).toEqual(["echo", "add"]);
    const [echo, add] = snapshot!.tools;
    expect(echo?.description).toBe("Echoes a message");
    expect(echo?.inputSchema).toMatchObject({
      type: "object",
      properties: { message: { type: "string", description: "What to echo" } },
      required: ["message"],
    });
    expect(add?.inputSchema).toMatchObject({ properties: { a: { type: "number" }, b: { type: "number" } } });
    const taken = Number(snapshot!.takenTime!.seconds) * 1000;
    expect(taken).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(server.authorizations).toContain("Bearer probe-token");

    // read back through GetMcp (and its cache) unchanged
    const got = await reg.client.getMcp({ mcp: { case: "name", value: name } });
    expect(got.version?.toolSnapshot).toEqual(snapshot);
  });

  it("CreateMcp › writes the MCP without a snapshot, flagged, when the server is unreachable", async () => {
    const name = uniqueName("tool");
    const { mcp, version } = await reg.client.createMcp({
      name,
      config: httpTool(await deadMcpUrl(), "anything"),
    });
    expect(mcp?.latestVersion).toBe(1);
    expect(version?.toolSnapshot).toBeUndefined();
    expect(version?.toolSnapshotError).toMatch(
      /^could not list the tools of the server at http:\/\/127\.0\.0\.1:\d+\/mcp: /,
    );
    expect(version?.toolSnapshotError).toContain("ECONNREFUSED");

    const got = await reg.client.getMcp({ mcp: { case: "name", value: name } });
    expect(got.version?.toolSnapshotError).toBe(version?.toolSnapshotError);
  });

  it("CreateMcp › returns INVALID_ARGUMENT naming tool_name and the offered tools when the server lacks the tool", async () => {
    const name = uniqueName("tool");
    const err = await expectCode(
      reg.client.createMcp({ name, config: httpTool(server.url, "multiply") }),
      Code.InvalidArgument,
    );
    expect(reasonOf(err)).toBe("INVALID_ARGUMENT");
    expect(err.rawMessage).toBe(
      'config.mcp_tool.tool_name: the server offers no tool "multiply"; it offers "echo", "add"',
    );
    await expectCode(reg.client.getMcp({ mcp: { case: "name", value: name } }), Code.NotFound);
  });

  it("UpdateMcp › snapshots each new version, checks the new tool_name, and flags an unreachable server", async () => {
    const name = uniqueName("tool");
    const created = await reg.client.createMcp({ name, config: httpTool(server.url, "echo") });
    const key = { case: "name" as const, value: name };

    const v2 = await reg.client.updateMcp({
      mcp: key,
      etag: created.mcp!.etag,
      config: httpTool(server.url, "add"),
      updateMask: { paths: ["config.mcp_tool.tool_name"] },
    });
    expect(v2.versionCreated).toBe(true);
    expect(v2.version?.version).toBe(2);
    expect(v2.version?.toolSnapshot?.tools.map((t) => t.name)).toEqual(["echo", "add"]);

    const err = await expectCode(
      reg.client.updateMcp({
        mcp: key,
        etag: v2.mcp!.etag,
        config: httpTool(server.url, "divide"),
        updateMask: { paths: ["config.mcp_tool.tool_name"] },
      }),
      Code.InvalidArgument,
    );
    expect(err.rawMessage).toContain("config.mcp_tool.tool_name");
    expect(err.rawMessage).toContain('"divide"');
    expect((await reg.client.getMcp({ mcp: key })).mcp?.latestVersion).toBe(2);

    const v3 = await reg.client.updateMcp({
      mcp: key,
      etag: v2.mcp!.etag,
      config: httpTool(await deadMcpUrl(), "add"),
    });
    expect(v3.version?.version).toBe(3);
    expect(v3.version?.toolSnapshot).toBeUndefined();
    expect(v3.version?.toolSnapshotError).toContain("could not list the tools");

    // the earlier versions keep their snapshots
    const old = await reg.client.getMcpVersion({ mcp: key, selector: { case: "version", value: 2 } });
    expect(old.version?.toolSnapshot?.tools).toHaveLength(2);
  });

  it("UpdateMcp › does not probe when nothing but the description changes", async () => {
    const name = uniqueName("tool");
    const created = await reg.client.createMcp({ name, config: httpTool(server.url, "echo") });
    const probes = server.authorizations.length;
    const updated = await reg.client.updateMcp({
      mcp: { case: "id", value: created.mcp!.id },
      etag: created.mcp!.etag,
      description: "now documented",
    });
    expect(updated.versionCreated).toBe(false);
    expect(server.authorizations.length).toBe(probes);
  });

  it("CreateMcp › flags a stdio mcp_tool as not probed (the registry never starts commands)", async () => {
    const { version } = await reg.client.createMcp({
      name: uniqueName("tool"),
      config: {
        kind: {
          case: "mcpTool",
          value: { transport: { case: "stdio", value: { command: "/bin/false" } }, toolName: "echo" },
        },
      },
    });
    expect(version?.toolSnapshot).toBeUndefined();
    expect(version?.toolSnapshotError).toContain("stdio servers are not probed");
  });

  it("CreateMcp › leaves both fields empty for other MCP types", async () => {
    const { version } = await reg.client.createMcp(newPythonMcp());
    expect(version?.toolSnapshot).toBeUndefined();
    expect(version?.toolSnapshotError).toBe("");
  });
});

describe("RegistryService tool snapshots of stdio servers with REGISTRY_PROBE_STDIO=true", () => {
  let reg: TestRegistry;
  const everything = require.resolve("@modelcontextprotocol/server-everything/dist/index.js");
  const stdioConfig = (toolName: string) => ({
    kind: {
      case: "mcpTool" as const,
      value: {
        transport: {
          case: "stdio" as const,
          value: { command: process.execPath, args: [everything, "stdio"] },
        },
        toolName,
      },
    },
  });
  beforeAll(async () => {
    reg = await startTestRegistry({
      env: { REGISTRY_PROBE_STDIO: "true", SANDBOX_READ_PATHS: SANDBOX_NODE_MODULES },
    });
  });
  afterAll(async () => {
    await reg.stop();
  });

  it("starts the server, stores its tools and input schemas with the version", async () => {
    const created = await reg.client.createMcp({
      name: uniqueName("everything"),
      config: stdioConfig("echo"),
    });
    expect(created.version?.toolSnapshotError).toBe("");
    const echo = created.version?.toolSnapshot?.tools.find((t) => t.name === "echo");
    expect(echo?.inputSchema).toMatchObject({ type: "object", properties: { message: { type: "string" } } });
  });

  it("a stopped registry leaves nothing of its probes' sandbox: its watchdog has exited and its folder is gone", async () => {
    const before = await ownWatchdogs();
    const other = await startTestRegistry({
      env: { REGISTRY_PROBE_STDIO: "true", SANDBOX_READ_PATHS: SANDBOX_NODE_MODULES },
    });
    const started = [...(await ownWatchdogs())].filter(([pid]) => !before.has(pid));
    expect(started).toHaveLength(1);
    const [[watchdog, folder]] = started as [[number, string]];
    expect(existsSync(folder)).toBe(true);
    await other.stop();
    expect(existsSync(`/proc/${watchdog}`)).toBe(false);
    expect(existsSync(folder)).toBe(false);
  });

  it("rejects a tool_name the stdio server does not offer", async () => {
    const err = await expectCode(
      reg.client.createMcp({ name: uniqueName("everything"), config: stdioConfig("no-such-tool") }),
      Code.InvalidArgument,
    );
    expect(err.rawMessage).toContain("config.mcp_tool.tool_name");
  });
});
