import { createServer } from "node:net";
import { Sandbox } from "@mcp/sandbox";
import { eventually } from "@mcp/sandbox/testing";
import { McpToolRunner } from "./mcp-tool-runner.js";
import { mcpToolContext, startFixtureServer, stepFailureOf, type FixtureServer } from "./testing.js";

jest.setTimeout(30_000);

describe("McpToolRunner over Streamable HTTP (McpServer fixture)", () => {
  // Streamable HTTP starts no process: the sandbox is never used
  const runner = new McpToolRunner({ sandbox: Sandbox.unsafe() });
  let server: FixtureServer;
  beforeAll(async () => {
    server = await startFixtureServer();
  });
  afterAll(async () => {
    await server.close();
  });

  const http = (
    toolName: string,
    extra: { headers?: Record<string, string>; timeoutSeconds?: number } = {},
  ) => ({
    transport: { case: "http" as const, value: { url: server.url, headers: extra.headers ?? {} } },
    toolName,
    timeoutSeconds: extra.timeoutSeconds,
  });

  it("returns the tool's structuredContent as the outputs, sending the configured headers", async () => {
    const result = await runner.run(
      mcpToolContext(http("greet", { headers: { "x-fixture": "h-1" } }), { name: "Ada" }),
    );
    expect(result.outputs).toEqual({ greeting: "Hello, Ada!" });
    expect(result).toMatchObject({ stdout: "", stderr: "", stdoutTruncated: false, stderrTruncated: false });
    expect(server.seen.headers).toContain("h-1");
  });

  it("fails with TOOL_ERROR and the tool's message when the result has isError", async () => {
    const failure = await stepFailureOf(runner.run(mcpToolContext(http("fail"))));
    expect(failure.code).toBe("TOOL_ERROR");
    expect(failure.message).toBe('MCP tool "fail" reported an error: the widget is broken');
  });

  it("fails with INVALID_CONFIG listing the tools when the tool is not offered", async () => {
    const failure = await stepFailureOf(runner.run(mcpToolContext(http("gret"))));
    expect(failure.code).toBe("INVALID_CONFIG");
    expect(failure.message).toBe('the MCP server offers no tool "gret"; it offers "greet", "fail", "slow"');
  });

  it("fails with TIMEOUT after timeout_seconds and drops the call on the server", async () => {
    const aborted = server.seen.abortedSlowCalls;
    const started = Date.now();
    const failure = await stepFailureOf(
      // 5 s: time for a loaded machine to connect before the call starts
      runner.run(mcpToolContext(http("slow", { timeoutSeconds: 5 }), { ms: 20_000 })),
    );
    expect(failure.code).toBe("TIMEOUT");
    expect(failure.message).toContain('MCP tool "slow" did not finish within 5 s (stopped during the call');
    expect(Date.now() - started).toBeLessThan(15_000); // the call alone would take 20 s
    expect(await eventually(() => server.seen.abortedSlowCalls > aborted, 15_000)).toBe(true);
  });

  it("fails with CANCELLED when the step's signal aborts mid-call, and the server sees the call dropped", async () => {
    const { startedSlowCalls: started, abortedSlowCalls: aborted } = server.seen;
    const abort = new AbortController();
    const run = runner.run(mcpToolContext(http("slow"), { ms: 20_000 }, abort.signal));
    // cancel once the server is in the call, however long connecting took
    expect(await eventually(() => server.seen.startedSlowCalls > started, 15_000)).toBe(true);
    abort.abort("run cancelled");
    const failure = await stepFailureOf(run);
    expect(failure.code).toBe("CANCELLED");
    expect(failure.message).toBe('MCP tool "slow" cancelled during the call: run cancelled');
    expect(await eventually(() => server.seen.abortedSlowCalls > aborted, 15_000)).toBe(true);
  });

  it("fails with CANCELLED without connecting when the signal is already aborted", async () => {
    const abort = new AbortController();
    abort.abort();
    const failure = await stepFailureOf(
      runner.run(mcpToolContext(http("greet"), { name: "x" }, abort.signal)),
    );
    expect(failure.code).toBe("CANCELLED");
    expect(failure.message).toContain("before it started");
  });

  it("fails with RUNNER_ERROR when nothing listens at the URL", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/mcp?token=secret`;
    const config = { transport: { case: "http" as const, value: { url } }, toolName: "greet" };
    const failure = await stepFailureOf(runner.run(mcpToolContext(config, { name: "x" })));
    expect(failure.code).toBe("RUNNER_ERROR");
    expect(failure.message).toMatch(
      /^could not connect to the MCP server at http:\/\/127\.0\.0\.1:\d+\/mcp \(tool "greet"\)/,
    );
    expect(failure.message).toContain("ECONNREFUSED");
    expect(failure.message).not.toContain("secret");
  });
});

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
