/**
 * TailStepLogs against a real platform (Redis run events bus, sandboxed Python): a running step's
 * output arrives while it still runs, the stream ends when the step ends; a finished step's record;
 * precise errors for bad requests.
 */
import { writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Code } from "@connectrpc/connect";
import { RunStatus, StepLogStream, StepStatus } from "@mcp/proto/executor";
import { expectCode } from "../support/errors";
import { gatedScript } from "../support/gated-script";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { sharedScratch } from "../support/scratch";
import { scriptConfig } from "../support/scripts";
import { waitFor } from "../support/wait-for";

describe("TailStepLogs", () => {
  let p: TestPlatform;
  let dir: string;

  beforeAll(async () => {
    dir = sharedScratch("mcp-live-logs-");
    p = await startPlatform({ executorEnv: { SANDBOX_WRITE_PATHS: dir } });
  }, 120_000);
  afterAll(async () => {
    await p?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const startGated = async (lines: number) => {
    const mcp = uniqueName("gated");
    await p.clients.registry.createMcp({ name: mcp, config: scriptConfig(gatedScript(lines), 120) });
    const gate = join(dir, `${mcp}.gate`);
    const { run } = await p.clients.executor.runMcp({
      mcp: { mcp: { case: "name", value: mcp } },
      inputs: { gate },
    });
    const runId = run!.id;
    const stepId = await waitFor(
      "the step to start",
      async () => {
        const got = (await p.clients.executor.getRun({ id: runId })).run!;
        return got.steps.find((s) => s.status === StepStatus.RUNNING)?.stepId;
      },
      { timeoutMs: 60_000 },
    );
    return { runId, stepId, open: () => writeFileSync(gate, "") };
  };

  it("streams a running step's stdout and stderr as written, and ends when the step ends", async () => {
    const { runId, stepId, open } = await startGated(3);
    const chunks: { stream: StepLogStream; text: string; recorded: boolean }[] = [];
    const tail = (async () => {
      for await (const c of p.clients.executor.tailStepLogs({ runId, stepId, follow: true })) chunks.push(c);
    })();
    const text = (stream: StepLogStream) =>
      chunks
        .filter((c) => c.stream === stream)
        .map((c) => c.text)
        .join("");
    // the lines arrive while the step is still waiting for its gate
    await waitFor(
      "the printed lines",
      async () => (text(StepLogStream.STDOUT).includes("line 3 of 3") ? true : undefined),
      {
        timeoutMs: 30_000,
      },
    );
    expect(text(StepLogStream.STDOUT)).toBe("line 1 of 3\nline 2 of 3\nline 3 of 3\n");
    await waitFor("stderr", async () =>
      text(StepLogStream.STDERR).includes("warming up") ? true : undefined,
    );
    const during = (await p.clients.executor.getRun({ id: runId })).run!;
    expect(during.steps.find((s) => s.stepId === stepId)?.status).toBe(StepStatus.RUNNING);
    expect(chunks.every((c) => !c.recorded)).toBe(true);

    open();
    await tail; // the stream ends by itself when the step ends
    expect(text(StepLogStream.STDOUT)).toContain("gate opened\n");
    const after = (await p.clients.executor.getRun({ id: runId })).run!;
    expect(after.status).toBe(RunStatus.SUCCEEDED);
  }, 90_000);

  it("sends a finished step's record and ends, with or without follow", async () => {
    const { runId, stepId, open } = await startGated(2);
    open();
    await waitFor(
      "the run to finish",
      async () => {
        const run = (await p.clients.executor.getRun({ id: runId })).run!;
        return run.status === RunStatus.SUCCEEDED ? run : undefined;
      },
      { timeoutMs: 60_000 },
    );
    for (const follow of [true, false]) {
      const chunks = [];
      for await (const c of p.clients.executor.tailStepLogs({ runId, stepId, follow })) chunks.push(c);
      expect(chunks).toEqual([
        expect.objectContaining({
          stream: StepLogStream.STDOUT,
          text: "line 1 of 2\nline 2 of 2\ngate opened\n",
          recorded: true,
        }),
        expect.objectContaining({ stream: StepLogStream.STDERR, text: "warming up\n", recorded: true }),
      ]);
    }
  }, 90_000);

  it("answers NOT_FOUND for an unknown run or a step the finished run never ran, INVALID_ARGUMENT for bad ids", async () => {
    const drain = async (req: { runId: string; stepId: string; follow?: boolean }) => {
      for await (const _ of p.clients.executor.tailStepLogs(req)) void _;
    };
    await expectCode(drain({ runId: "00000000-0000-4000-8000-000000000000", stepId: "s" }), Code.NotFound);
    const { runId, open } = await startGated(1);
    open();
    await waitFor(
      "the run to finish",
      async () => {
        const run = (await p.clients.executor.getRun({ id: runId })).run!;
        return run.status === RunStatus.SUCCEEDED ? run : undefined;
      },
      { timeoutMs: 60_000 },
    );
    const missing = await expectCode(drain({ runId, stepId: "nope", follow: true }), Code.NotFound);
    expect(missing.rawMessage).toContain('has no step "nope"');
    const bad = await expectCode(drain({ runId: "not-a-uuid", stepId: "" }), Code.InvalidArgument);
    expect(bad.rawMessage).toContain("run_id");
    expect(bad.rawMessage).toContain("step_id");
  }, 90_000);
});
