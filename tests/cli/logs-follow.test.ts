/**
 * `mcp logs RUN --step S -f` against a real platform: the real CLI prints a running step's lines as
 * the step writes them, and exits 0 when the step ends.
 */
import { spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { StepStatus } from "@mcp/proto/executor";
import { CLI_BIN, ROOT, cliAgainst } from "../support/cli";
import { gatedScript } from "../support/gated-script";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { sharedScratch } from "../support/scratch";
import { scriptConfig } from "../support/scripts";
import { waitFor } from "../support/wait-for";

describe("mcp logs -f", () => {
  let p: TestPlatform;
  let dir: string;

  beforeAll(async () => {
    dir = sharedScratch("mcp-cli-follow-");
    p = await startPlatform({ executorEnv: { SANDBOX_WRITE_PATHS: dir } });
  }, 120_000);
  afterAll(async () => {
    await p?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("follows a running step's output line by line and exits when the step ends", async () => {
    const mcp = uniqueName("gated");
    await p.clients.registry.createMcp({ name: mcp, config: scriptConfig(gatedScript(3), 120) });
    const gate = join(dir, "gate");
    const { run } = await p.clients.executor.runMcp({
      mcp: { mcp: { case: "name", value: mcp } },
      inputs: { gate },
    });
    const runId = run!.id;
    const stepId = await waitFor(
      "the step to start",
      async () =>
        (await p.clients.executor.getRun({ id: runId })).run!.steps.find(
          (s) => s.status === StepStatus.RUNNING,
        )?.stepId,
      { timeoutMs: 60_000 },
    );

    const child = spawn(
      process.execPath,
      [CLI_BIN, "--executor", p.executors[0]!.server.url, "logs", runId, "--step", stepId, "-f"],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((done) => child.on("close", done));
    try {
      await waitFor(
        "the CLI to print the lines",
        async () => (stdout.includes("line 3 of 3") ? true : undefined),
        {
          timeoutMs: 30_000,
        },
      );
      // still running: the step waits for its gate, and the CLI is still following it
      expect(child.exitCode).toBeNull();
      expect(stdout).toBe("line 1 of 3\nline 2 of 3\nline 3 of 3\n");
      await waitFor("stderr", async () => (stderr.includes("warming up") ? true : undefined));
      writeFileSync(gate, "");
      expect(await exited).toBe(0);
      expect(stdout).toBe("line 1 of 3\nline 2 of 3\nline 3 of 3\ngate opened\n");
    } finally {
      child.kill("SIGKILL");
    }
  }, 90_000);

  it("refuses --follow without --step (usage error)", async () => {
    const res = await cliAgainst(p, "logs", "00000000-0000-4000-8000-000000000000", "-f");
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("--follow needs --step");
  });
});
