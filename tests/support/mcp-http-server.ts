import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { serveMcpOverHttp } from "@mcp/mcp-test-server";
import { z } from "zod";

/** A real MCP server over Streamable HTTP on a free port, for tests. */
export interface McpHttpServer {
  /** Its MCP endpoint, `http://127.0.0.1:<port>/mcp`. */
  readonly url: string;
  /** The `authorization` header of every MCP request it received. */
  readonly authorizations: string[];
  close(): Promise<void>;
}

/**
 * Serves an `McpServer` (stateless: a fresh server and transport per request) with two tools:
 * `echo {message: string}` → "Echo: <message>", and `add {a: number, b: number}` → structuredContent
 * `{sum}`.
 */
export async function startMcpHttpServer(): Promise<McpHttpServer> {
  const authorizations: string[] = [];
  const served = await serveMcpOverHttp((req) => {
    authorizations.push(req.headers.authorization ?? "");
    return toolServer();
  });
  return { url: served.url, authorizations, close: () => served.close() };
}

function toolServer(): McpServer {
  const server = new McpServer({ name: "test-tools", version: "1.0.0" });
  server.registerTool(
    "echo",
    { description: "Echoes a message", inputSchema: { message: z.string().describe("What to echo") } },
    ({ message }) => ({ content: [{ type: "text", text: `Echo: ${message}` }] }),
  );
  server.registerTool(
    "add",
    {
      description: "Adds two numbers",
      inputSchema: { a: z.number(), b: z.number() },
      outputSchema: { sum: z.number() },
    },
    ({ a, b }) => ({ content: [{ type: "text", text: String(a + b) }], structuredContent: { sum: a + b } }),
  );
  return server;
}

export { deadMcpUrl } from "@mcp/mcp-test-server";
