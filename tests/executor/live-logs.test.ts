/**
 * TailStepLogs against a real platform (Redis run events bus, sandboxed Python): a running step's
 * output arrives while it still runs (a script's prints, a notebook's cells one by one, secrets
 * masked), the stream ends when the step ends; a finished step's record; precise errors for bad
 * requests.
 */
import { randomBytes } from "node:crypto";
import { writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Code, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { RunStatus, SecretService, StepLogStream, StepStatus } from "@mcp/proto/executor";
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
    p = await startPlatform({
      executorEnv: { SANDBOX_WRITE_PATHS: dir, SECRETS_KEY: randomBytes(32).toString("base64") },
    });
  }, 120_000);
  afterAll(async () => {
    await p?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The tail ended as the step's final state was committed: the step has, and its run then ends too. */
  const runSucceeded = async (runId: string, stepId: string) => {
    const ended = (await p.clients.executor.getRun({ id: runId })).run!;
    expect(ended.steps.find((s) => s.stepId === stepId)?.status).toBe(StepStatus.SUCCEEDED);
    await waitFor("the run to succeed", async () =>
      (await p.clients.executor.getRun({ id: runId })).run!.status === RunStatus.SUCCEEDED ? true : undefined,
    );
  };

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

  /** The text of one stream of the chunks so far. */
  const textOf = (chunks: { stream: StepLogStream; text: string }[], stream: StepLogStream) =>
    chunks
      .filter((c) => c.stream === stream)
      .map((c) => c.text)
      .join("");

  it("streams a notebook's cells as each runs, secrets masked, before the next cell has run", async () => {
    const secrets = createClient(SecretService, createGrpcTransport({ baseUrl: p.executors[0]!.server.url }));
    const token = `tok-${randomBytes(8).toString("hex")}`;
    await secrets.putSecret({ name: "LIVE_NB_TOKEN", value: token });
    const cell = (source: string) => ({
      cell_type: "code",
      metadata: {},
      outputs: [],
      execution_count: null,
      source,
    });
    const notebook = JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        cell(
          'import os, sys, time\nprint("cell one: token", os.environ["LIVE_NB_TOKEN"])\nprint("cell one to stderr", file=sys.stderr)',
        ),
        cell('while not os.path.exists(gate):\n    time.sleep(0.05)\nprint("cell two: gate opened")'),
      ],
    });
    const mcp = uniqueName("live-nb");
    await p.clients.registry.createMcp({
      name: mcp,
      config: {
        kind: {
          case: "jupyterNotebook",
          value: { source: { case: "notebookContent", value: notebook }, timeoutSeconds: 120 },
        },
        secrets: ["LIVE_NB_TOKEN"],
      },
    });
    const gate = join(dir, `${mcp}.gate`);
    const { run } = await p.clients.executor.runMcp({
      mcp: { mcp: { case: "name", value: mcp } },
      inputs: { gate },
    });
    const runId = run!.id;
    const stepId = await waitFor(
      "the notebook step to start",
      async () =>
        (await p.clients.executor.getRun({ id: runId })).run!.steps.find(
          (s) => s.status === StepStatus.RUNNING,
        )?.stepId,
      { timeoutMs: 60_000 },
    );
    const chunks: { stream: StepLogStream; text: string; recorded: boolean }[] = [];
    const tail = (async () => {
      for await (const c of p.clients.executor.tailStepLogs({ runId, stepId, follow: true })) chunks.push(c);
    })();
    // cell one's output arrives while cell two still waits for its gate
    await waitFor(
      "cell one's output",
      async () => (textOf(chunks, StepLogStream.STDOUT).includes("cell one") ? true : undefined),
      { timeoutMs: 30_000 },
    );
    await waitFor("cell one's stderr", async () =>
      textOf(chunks, StepLogStream.STDERR).includes("cell one to stderr") ? true : undefined,
    );
    expect(textOf(chunks, StepLogStream.STDOUT)).toBe("cell one: token ***\n");
    expect(chunks.every((c) => !c.recorded && !c.text.includes(token))).toBe(true);
    const during = (await p.clients.executor.getRun({ id: runId })).run!;
    expect(during.steps.find((s) => s.stepId === stepId)?.status).toBe(StepStatus.RUNNING);

    writeFileSync(gate, "");
    await tail;
    expect(textOf(chunks, StepLogStream.STDOUT)).toBe("cell one: token ***\ncell two: gate opened\n");
    await runSucceeded(runId, stepId);
  }, 120_000);

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
    await runSucceeded(runId, stepId);
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
