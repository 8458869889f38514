import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Sandbox, SANDBOX_PATH } from "@mcp/sandbox";
import { eventually, processesWith } from "@mcp/sandbox/testing";
import { McpToolRunner } from "./mcp-tool-runner.js";
import { REPO_NODE_MODULES, closeSpecSandbox, specSandbox } from "../testing.js";
import { mcpToolContext, SERVER_EVERYTHING, stepFailureOf } from "./testing.js";

// the specs' sandbox (its watchdog and folder) goes with this file
afterAll(closeSpecSandbox);

jest.setTimeout(30_000);

let runner: McpToolRunner;
beforeAll(async () => {
  runner = new McpToolRunner({ sandbox: await specSandbox() });
});

/** server-everything over stdio, started with this node. */
const everything = (
  toolName: string,
  extra: { env?: Record<string, string>; timeoutSeconds?: number } = {},
) => ({
  transport: {
    case: "stdio" as const,
    value: { command: process.execPath, args: [SERVER_EVERYTHING, "stdio"], env: extra.env ?? {} },
  },
  toolName,
  timeoutSeconds: extra.timeoutSeconds,
});

/** server-everything behind a wrapper that first writes its cwd to stderr; `marker` tags its command line. */
const WRAPPER = `process.stderr.write("cwd=" + process.cwd() + "\\n");
import(${JSON.stringify(SERVER_EVERYTHING)});`;
const wrapped = (
  toolName: string,
  extra: { cwd?: string; timeoutSeconds?: number; marker?: string } = {},
) => ({
  transport: {
    case: "stdio" as const,
    value: {
      command: process.execPath,
      args: ["-e", WRAPPER, "--", extra.marker ?? "unmarked"],
      cwd: extra.cwd ?? "",
    },
  },
  toolName,
  timeoutSeconds: extra.timeoutSeconds,
});
const uniqueMarker = () => `server-${Math.floor(Math.random() * 1e9)}`;
const cwdIn = (stderr: string) => /cwd=(\S+)/.exec(stderr)?.[1];

describe("McpToolRunner over stdio (server-everything)", () => {
  it("calls echo with the step inputs and returns its text and content; the server's stderr is told live", async () => {
    const live: string[] = [];
    const result = await runner.run({
      ...mcpToolContext(everything("echo"), { message: "hi there" }),
      onOutput: (stream, chunk) => live.push(`${stream}:${chunk.toString()}`),
    });
    expect(live.join("")).toContain("stderr:Starting default (STDIO) server");
    expect(live.every((chunk) => chunk.startsWith("stderr:"))).toBe(true);
    expect(result.outputs).toEqual({
      text: "Echo: hi there",
      content: [{ type: "text", text: "Echo: hi there" }],
    });
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("Starting default (STDIO) server");
    expect(result.stderrTruncated).toBe(false);
  });

  it("calls get-sum with numeric inputs", async () => {
    const result = await runner.run(mcpToolContext(everything("get-sum"), { a: 2, b: 40 }));
    expect(result.outputs["text"]).toBe("The sum of 2 and 40 is 42.");
  });

  it("returns structuredContent as the outputs when the tool gives one", async () => {
    const result = await runner.run(
      mcpToolContext(everything("get-structured-content"), { location: "Chicago" }),
    );
    expect(result.outputs).toEqual({ temperature: 36, conditions: "Light rain / drizzle", humidity: 82 });
  });

  it("passes the config's env and the step's secrets, and nothing of the executor's", async () => {
    process.env["MCP_SPEC_SECRET"] = "must-not-leak";
    try {
      const context = {
        ...mcpToolContext(everything("get-env", { env: { GREETING: "hello" } })),
        secrets: new Map([["SERVER_TOKEN", "tok-9"]]),
      };
      const result = await runner.run(context);
      const env = JSON.parse(result.outputs["text"] as string) as Record<string, string>;
      expect(env["GREETING"]).toBe("hello");
      expect(env["SERVER_TOKEN"]).toBe("tok-9");
      expect(env["MCP_SPEC_SECRET"]).toBeUndefined();
      expect(env["PATH"]).toBe(SANDBOX_PATH);
    } finally {
      delete process.env["MCP_SPEC_SECRET"];
    }
  });

  it("fails with TOOL_ERROR carrying the tool's message when the result has isError", async () => {
    const failure = await stepFailureOf(runner.run(mcpToolContext(everything("echo"), { message: 42 })));
    expect(failure.code).toBe("TOOL_ERROR");
    expect(failure.message).toContain('MCP tool "echo" reported an error');
    expect(failure.message).toContain("Invalid arguments for tool echo");
    expect(failure.output.stderr).toContain("Starting default (STDIO) server");
  });

  it("fails with INVALID_CONFIG naming the tools on offer when the tool does not exist", async () => {
    const failure = await stepFailureOf(runner.run(mcpToolContext(everything("no-such-tool"))));
    expect(failure.code).toBe("INVALID_CONFIG");
    expect(failure.message).toContain('offers no tool "no-such-tool"');
    expect(failure.message).toContain('"echo"');
    expect(failure.message).toContain('"get-sum"');
  });

  it("fails with RUNNER_ERROR when the command cannot be started", async () => {
    const config = {
      transport: { case: "stdio" as const, value: { command: "/nonexistent/mcp-server" } },
      toolName: "x",
    };
    const failure = await stepFailureOf(runner.run(mcpToolContext(config)));
    expect(failure.code).toBe("RUNNER_ERROR");
    expect(failure.message).toContain('could not connect to the MCP stdio server "/nonexistent/mcp-server"');
    expect(failure.message).toContain("No such file or directory");
  });

  it("fails with RUNNER_ERROR quoting stderr when the server exits before answering", async () => {
    const config = {
      transport: {
        case: "stdio" as const,
        value: {
          command: process.execPath,
          args: ["-e", "process.stderr.write('boom: no config\\n'); process.exit(3)"],
        },
      },
      toolName: "x",
    };
    const failure = await stepFailureOf(runner.run(mcpToolContext(config)));
    expect(failure.code).toBe("RUNNER_ERROR");
    expect(failure.message).toContain("boom: no config");
    expect(failure.output.stderr).toBe("boom: no config\n");
  });

  it("runs the server in a fresh work dir of the sandbox's private folder, removed afterwards, when no cwd is given", async () => {
    const result = await runner.run(mcpToolContext(wrapped("echo"), { message: "x" }));
    const cwd = cwdIn(result.stderr);
    expect(cwd).toMatch(new RegExp(`^${join(tmpdir(), "mcp-sandbox-")}[^/]+/mcp-tool-[^/]+$`));
    expect(existsSync(cwd!)).toBe(false);
  });

  it("runs the server in the configured cwd when the sandbox may read it, and leaves it there", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mcp-tool-spec-"));
    await chmod(dir, 0o755);
    let sandbox: Sandbox | undefined;
    try {
      sandbox = await Sandbox.open({
        mode: "bubblewrap",
        readOnlyPaths: [REPO_NODE_MODULES, dir],
        egressDeny: [],
        platformUrls: [],
      });
      const reading = new McpToolRunner({ sandbox });
      const result = await reading.run(mcpToolContext(wrapped("echo", { cwd: dir }), { message: "x" }));
      expect(cwdIn(result.stderr)).toBe(dir);
      expect(existsSync(dir)).toBe(true);
    } finally {
      await sandbox?.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses a configured cwd outside SANDBOX_READ_PATHS with INVALID_CONFIG", async () => {
    const failure = await stepFailureOf(runner.run(mcpToolContext(wrapped("echo", { cwd: "/etc" }))));
    expect(failure.code).toBe("INVALID_CONFIG");
    expect(failure.message).toMatch(/stdio\.cwd \/etc is outside the folders sandboxed steps may read/);
  });

  it("fails with TIMEOUT after timeout_seconds and kills the server", async () => {
    const marker = uniqueMarker();
    const started = Date.now();
    const failure = await stepFailureOf(
      runner.run(
        mcpToolContext(wrapped("trigger-long-running-operation", { timeoutSeconds: 1, marker }), {
          duration: 30,
          steps: 2,
        }),
      ),
    );
    expect(failure.code).toBe("TIMEOUT");
    expect(failure.message).toContain("did not finish within 1 s");
    expect(Date.now() - started).toBeLessThan(20_000); // the operation alone would take 30 s
    expect(await eventually(() => processesWith(marker).length === 0, 15_000)).toBe(true);
  });

  it("fails with CANCELLED when the step is aborted mid-call and kills the server", async () => {
    const marker = uniqueMarker();
    const abort = new AbortController();
    const run = runner.run(
      mcpToolContext(
        wrapped("trigger-long-running-operation", { marker }),
        { duration: 30, steps: 2 },
        abort.signal,
      ),
    );
    expect(await eventually(() => processesWith(marker).length > 0, 30_000)).toBe(true);
    abort.abort(new Error("run cancelled by user"));
    const started = Date.now();
    const failure = await stepFailureOf(run);
    expect(failure.code).toBe("CANCELLED");
    expect(failure.message).toContain("run cancelled by user");
    expect(Date.now() - started).toBeLessThan(20_000); // the operation alone would take 30 s
    expect(await eventually(() => processesWith(marker).length === 0, 15_000)).toBe(true);
  });
});
