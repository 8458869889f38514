import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { serveMcpOverHttp } from "@mcp/mcp-test-server";
import { z } from "zod";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { type McpToolConfigSchema, McpType } from "@mcp/proto/registry";
import type { JsonObject, StepContext } from "../../step/index.js";
import { stepContext } from "../testing.js";

export { stepFailureOf } from "../testing.js";

/** Test helpers: a real MCP server over Streamable HTTP, and the reference server-everything over stdio. */

/** Where the reference server's entry point is; `node <it> stdio` serves over stdio. */
export const SERVER_EVERYTHING = require.resolve("@modelcontextprotocol/server-everything/dist/index.js");

/** A step context running an mcp_tool MCP with `config`. */
export function mcpToolContext(
  config: MessageInitShape<typeof McpToolConfigSchema>,
  inputs: JsonObject = {},
  signal: AbortSignal = new AbortController().signal,
): StepContext {
  return stepContext(McpType.MCP_TOOL, { case: "mcpTool", value: config }, inputs, signal);
}

/** A running fixture server. */
export interface FixtureServer {
  /** Its MCP endpoint, `http://127.0.0.1:<port>/mcp`. */
  readonly url: string;
  /**
   * What the server saw: the `x-fixture` header of each tool call, how many slow calls started and
   * how many were aborted.
   */
  readonly seen: { headers: string[]; startedSlowCalls: number; abortedSlowCalls: number };
  close(): Promise<void>;
}

/**
 * Serves a small `McpServer` over Streamable HTTP (stateless: one server and transport per request)
 * on port 0. Tools:
 * - `greet {name}` → structuredContent `{greeting: "Hello, <name>!"}` (declares an output schema);
 * - `fail {}` → `isError: true` with the text "the widget is broken";
 * - `slow {ms}` → answers after `ms`, or never if aborted first (then counted in `seen.abortedSlowCalls`).
 */
export async function startFixtureServer(): Promise<FixtureServer> {
  const seen = { headers: [] as string[], startedSlowCalls: 0, abortedSlowCalls: 0 };
  const served = await serveMcpOverHttp(() => fixtureMcpServer(seen));
  return { url: served.url, seen, close: () => served.close() };
}

function fixtureMcpServer(seen: FixtureServer["seen"]): McpServer {
  const server = new McpServer({ name: "fixture", version: "1.0.0" });
  server.registerTool(
    "greet",
    {
      description: "Greets someone by name",
      inputSchema: { name: z.string().describe("Who to greet") },
      outputSchema: { greeting: z.string() },
    },
    ({ name }, extra) => {
      seen.headers.push(String(extra.requestInfo?.headers["x-fixture"] ?? ""));
      const greeting = `Hello, ${name}!`;
      return { content: [{ type: "text", text: greeting }], structuredContent: { greeting } };
    },
  );
  server.registerTool("fail", { description: "Always fails", inputSchema: {} }, () => ({
    content: [{ type: "text", text: "the widget is broken" }],
    isError: true,
  }));
  server.registerTool(
    "slow",
    { description: "Answers after ms milliseconds", inputSchema: { ms: z.number() } },
    ({ ms }, extra) =>
      new Promise((resolve) => {
        seen.startedSlowCalls += 1;
        const timer = setTimeout(() => resolve({ content: [{ type: "text", text: "done" }] }), ms);
        extra.signal.addEventListener("abort", () => {
          clearTimeout(timer);
          seen.abortedSlowCalls += 1;
        });
      }),
  );
  return server;
}
