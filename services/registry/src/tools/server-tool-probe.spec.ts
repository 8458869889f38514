import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { Sandbox } from "@mcp/sandbox";
import { processesWith } from "@mcp/sandbox/testing";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { create } from "@bufbuild/protobuf";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { deadMcpUrl, serveMcpOverHttp, type ServedMcp } from "@mcp/mcp-test-server";
import { McpToolConfigSchema, type McpToolConfig } from "@mcp/proto/registry";
import { z } from "zod";
import { ServerToolProbe } from "./server-tool-probe";

/** Listens on a free port with `handler` (a server that is not an MCP server); returns it and its URL. */
async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp` };
}

const stop = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

const httpConfig = (url: string, headers: Record<string, string> = {}): McpToolConfig =>
  create(McpToolConfigSchema, { transport: { case: "http", value: { url, headers } }, toolName: "lookup" });

/** The sandboxes this file opened, closed after it. */
const opened: Sandbox[] = [];
afterAll(() => Promise.all(opened.map((sandbox) => sandbox.close())));

/** The machine's sandbox, with this repository's node_modules readable (where server-everything is). */
async function stdioSandbox(): Promise<Sandbox> {
  const sandbox = await Sandbox.open({
    mode: "bubblewrap",
    readOnlyPaths: [join(__dirname, "..", "..", "..", "..", "node_modules")],
    egressDeny: [],
    platformUrls: [],
  });
  opened.push(sandbox);
  return sandbox;
}

describe("ServerToolProbe", () => {
  let mcp: ServedMcp;
  const seenKeys: string[] = [];
  beforeAll(async () => {
    mcp = await serveMcpOverHttp((req) => {
      seenKeys.push(String(req.headers["x-api-key"] ?? ""));
      const server = new McpServer({ name: "probe-spec", version: "1.0.0" });
      server.registerTool(
        "lookup",
        { description: "Looks a word up", inputSchema: { word: z.string() } },
        () => ({ content: [] }),
      );
      return server;
    });
  });
  afterAll(async () => {
    await mcp.close();
  });

  it("lists a Streamable HTTP server's tools with their input schemas, sending the headers", async () => {
    const tools = await new ServerToolProbe().listTools(httpConfig(mcp.url, { "x-api-key": "k-1" }));
    expect(tools).toEqual([
      {
        name: "lookup",
        description: "Looks a word up",
        inputSchema: expect.objectContaining({
          type: "object",
          properties: { word: { type: "string" } },
        }) as unknown,
      },
    ]);
    expect(seenKeys).toContain("k-1");
  });

  it("rejects saying the server is unreachable, without the URL's query", async () => {
    const dead = await deadMcpUrl();
    await expect(new ServerToolProbe().listTools(httpConfig(`${dead}?key=secret`))).rejects.toThrow(
      new RegExp(`^could not list the tools of the server at ${dead.replace(/[.]/g, "\\.")}: .*ECONNREFUSED`),
    );
  });

  it("gives up after its timeout on a server that never answers", async () => {
    const silent = await listen(() => undefined);
    try {
      const started = Date.now();
      await expect(new ServerToolProbe({ timeoutMs: 200 }).listTools(httpConfig(silent.url))).rejects.toThrow(
        "no answer within 0.2 s",
      );
      expect(Date.now() - started).toBeLessThan(15_000); // the server never answers
    } finally {
      await stop(silent.server);
    }
  });

  it("does not start stdio servers", async () => {
    const stdio = create(McpToolConfigSchema, {
      transport: { case: "stdio", value: { command: "/bin/false" } },
      toolName: "x",
    });
    await expect(new ServerToolProbe().listTools(stdio)).rejects.toThrow("stdio servers are not probed");
  });

  it("with a sandbox, starts a stdio server (server-everything) in it, lists its tools and stops it", async () => {
    const everything = require.resolve("@modelcontextprotocol/server-everything/dist/index.js");
    // unique per run: another checkout's tests may run this one at the same time on the machine
    const marker = `probe-marker-${randomUUID()}`;
    const stdio = create(McpToolConfigSchema, {
      transport: {
        case: "stdio",
        value: { command: process.execPath, args: [everything, "stdio", "--", marker] },
      },
      toolName: "echo",
    });
    const sandbox = await stdioSandbox();
    const tools = await new ServerToolProbe({ stdioSandbox: sandbox, timeoutMs: 15_000 }).listTools(stdio);
    expect(processesWith(marker)).toEqual([]);
    const echo = tools.find((t) => t.name === "echo");
    expect(echo?.inputSchema).toMatchObject({ type: "object", properties: { message: { type: "string" } } });
  }, 30_000);

  it("with a sandbox, reports a command that is not an MCP server", async () => {
    const stdio = create(McpToolConfigSchema, {
      transport: { case: "stdio", value: { command: "/bin/false" } },
      toolName: "x",
    });
    await expect(
      new ServerToolProbe({ stdioSandbox: await stdioSandbox(), timeoutMs: 3_000 }).listTools(stdio),
    ).rejects.toThrow('could not list the tools of the stdio server "/bin/false"');
  });

  it("runs a probed server in the sandbox: it cannot read the host's files", async () => {
    // a "server" that answers initialize with what it found, then lists one tool named after it
    const script = `
const fs = require("node:fs");
let found; try { fs.readFileSync("/etc/shadow"); found = "shadow-readable"; } catch { found = "shadow-hidden"; }
const reply = (id, result) => process.stdout.write(JSON.stringify({ jsonrpc: "2.0", id, result }) + "\\n");
let buffer = "";
process.stdin.on("data", (chunk) => {
  buffer += chunk;
  for (let i; (i = buffer.indexOf("\\n")) >= 0; buffer = buffer.slice(i + 1)) {
    const message = JSON.parse(buffer.slice(0, i));
    if (message.method === "initialize") reply(message.id, { protocolVersion: message.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: "spy", version: "1" } });
    if (message.method === "tools/list") reply(message.id, { tools: [{ name: found, inputSchema: { type: "object" } }] });
  }
});`;
    const stdio = create(McpToolConfigSchema, {
      transport: { case: "stdio", value: { command: process.execPath, args: ["-e", script] } },
      toolName: "x",
    });
    const tools = await new ServerToolProbe({
      stdioSandbox: await stdioSandbox(),
      timeoutMs: 10_000,
    }).listTools(stdio);
    expect(tools.map((t) => t.name)).toEqual(["shadow-hidden"]);
  }, 30_000);
});
