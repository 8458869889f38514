import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { Code, createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ExecutorService, RunStatus, StepKind, StepStatus, type WorkflowRun } from "@mcp/proto/executor";
import { ExecutionMode } from "@mcp/proto/workflows";
import { Client as PgClient } from "pg";
import { cliAgainst, type CliResult } from "../support/cli";
import { expectCode } from "../support/errors";
import { crashExecutor } from "../support/kill-executor";
import { exampleCopy } from "../support/examples";
import { uniqueName } from "../support/mcps";
import {
  executorEnv,
  spawnExecutor,
  startPlatform,
  type ExecutorProcess,
  type TestPlatform,
} from "../support/platform";
import { ECHO_SCRIPT, scriptConfig } from "../support/scripts";
import { waitFor } from "../support/wait-for";

const executorClient = (url: string): Client<typeof ExecutorService> =>
  createClient(ExecutorService, createGrpcTransport({ baseUrl: url }));
const secs = (s: number) => ({ seconds: BigInt(s), nanos: 0 });
const stepOf = (run: WorkflowRun | undefined, stepId: string) => run?.steps.find((s) => s.stepId === stepId);
const FINISHED = new Set([
  RunStatus.SUCCEEDED,
  RunStatus.FAILED,
  RunStatus.CANCELLED,
  RunStatus.PARTIALLY_SUCCEEDED,
]);

/** The run's row as the claim query sees it. */
async function runRow(
  dbUrl: string,
  runId: string,
): Promise<{ owner: string | null; wake_at: Date | null; recoveries: number }> {
  const pg = new PgClient({ connectionString: dbUrl });
  await pg.connect();
  try {
    const { rows } = await pg.query<{ owner: string | null; wake_at: Date | null; recoveries: number }>(
      "SELECT owner, wake_at, recoveries FROM workflow_runs WHERE id = $1",
      [runId],
    );
    return rows[0]!;
  } finally {
    await pg.end();
  }
}

/** `mcp_runs_active` of an executor's /metrics. */
async function activeRuns(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith("mcp_runs_active"));
  return Number(line?.split(" ").pop());
}

async function finished(client: Client<typeof ExecutorService>, runId: string, timeoutMs = 60_000) {
  return waitFor(
    `run ${runId} finished`,
    async () => {
      const { run } = await client.getRun({ id: runId });
      return run && FINISHED.has(run.status) ? run : undefined;
    },
    { timeoutMs },
  );
}

async function waiting(client: Client<typeof ExecutorService>, runId: string, stepId: string) {
  return waitFor(`step ${stepId} of run ${runId} WAITING`, async () => {
    const { run } = await client.getRun({ id: runId });
    return stepOf(run, stepId)?.status === StepStatus.WAITING ? run : undefined;
  });
}

describe("durable sleep, signals and approvals", () => {
  let p: TestPlatform;
  let echo: string;
  let exec: Client<typeof ExecutorService>;

  beforeAll(async () => {
    p = await startPlatform({ executorEnv: { EXECUTOR_POLL_MS: "200" } });
    exec = p.clients.executor;
    echo = uniqueName("echo");
    await p.clients.registry.createMcp({ name: echo, config: scriptConfig(ECHO_SCRIPT, 30) });
  });
  afterAll(async () => {
    await p?.stop();
  });

  const echoStep = (stepId: string, dependsOn: string[], from: { stepId: string; output: string }) => ({
    stepId,
    dependsOn,
    mcp: { mcp: { case: "name" as const, value: echo } },
    inputs: { text: { source: { case: "stepOutput" as const, value: from } } },
  });

  async function start(steps: unknown[], mode = ExecutionMode.SEQUENTIAL): Promise<string> {
    const name = uniqueName("waits");
    await p.clients.workflows.createWorkflow({
      name,
      spec: { executionMode: mode, steps: steps as never },
    });
    const { run } = await exec.executeWorkflow({ workflow: { workflow: { case: "name", value: name } } });
    return run!.id;
  }

  it("a signal sent before the step waits is kept for it; one sent after wakes the parked run at once", async () => {
    const runId = await start([
      { stepId: "first", waitForSignal: { signal: "first" } },
      { stepId: "second", dependsOn: ["first"], waitForSignal: { signal: "second.sig" } },
      echoStep("use", ["second"], { stepId: "second", output: "payload" }),
    ]);
    const parked = await waiting(exec, runId, "first");
    expect(stepOf(parked, "first")).toMatchObject({ kind: StepKind.WAIT_FOR_SIGNAL, signal: "first" });
    // before `second` waits: kept (not delivered), and sent only once for a repeated request id
    const early = await exec.signalRun({
      runId,
      signal: "second.sig",
      payload: {
        kind: {
          case: "structValue",
          value: { fields: { text: { kind: { case: "stringValue", value: "early" } } } },
        },
      },
      requestId: "r1",
    });
    expect(early.delivered).toBe(false);
    await exec.signalRun({
      runId,
      signal: "second.sig",
      payload: { kind: { case: "stringValue", value: "dup" } },
      requestId: "r1",
    });
    const now = await exec.signalRun({
      runId,
      signal: "first",
      payload: { kind: { case: "numberValue", value: 7 } },
    });
    expect(now.delivered).toBe(true);
    const run = await finished(exec, runId);
    expect(run.status).toBe(RunStatus.SUCCEEDED);
    expect(stepOf(run, "first")?.outputs).toEqual({ payload: 7 });
    expect(stepOf(run, "second")?.outputs).toEqual({ payload: { text: "early" } });
    expect(stepOf(run, "use")?.outputs).toEqual({ text: { text: "early" } });
    expect((await runRow(p.db.url, runId)).recoveries).toBe(0);
  });

  it("an approval decided before its step waits is kept; one decided while it waits resumes the run", async () => {
    const runId = await start([
      { stepId: "gate", waitForSignal: { signal: "go" } },
      { stepId: "early", dependsOn: ["gate"], approval: { prompt: "Early?" } },
      { stepId: "late", dependsOn: ["early"], approval: { prompt: "Late?", timeout: secs(3600) } },
    ]);
    await waiting(exec, runId, "gate");
    const before = await exec.decideApproval({
      runId,
      stepId: "early",
      approve: true,
      comment: "in advance",
    });
    expect(stepOf(before.run, "early")).toMatchObject({
      status: StepStatus.PENDING,
      approval: {
        prompt: "Early?",
        decided: true,
        approved: true,
        decidedBy: "anonymous",
        comment: "in advance",
      },
    });
    // the same decision again is answered as the first; a different one is ALREADY_DECIDED
    await exec.decideApproval({ runId, stepId: "early", approve: true });
    const err = await expectCode(
      exec.decideApproval({ runId, stepId: "early", approve: false }),
      Code.FailedPrecondition,
    );
    expect(err.message).toContain("already approved");
    await expectCode(exec.decideApproval({ runId, stepId: "gate", approve: true }), Code.NotFound);

    await exec.signalRun({ runId, signal: "go" });
    const parked = await waiting(exec, runId, "late");
    expect(stepOf(parked, "early")?.status).toBe(StepStatus.SUCCEEDED);
    expect(stepOf(parked, "late")?.wakeTime).toBeDefined();
    await waitFor("the run parked (no owner)", async () =>
      (await runRow(p.db.url, runId)).owner === null ? true : undefined,
    );
    await exec.decideApproval({ runId, stepId: "late", approve: true, comment: "ok" });
    const run = await finished(exec, runId);
    expect(run.status).toBe(RunStatus.SUCCEEDED);
    expect(stepOf(run, "late")?.outputs).toEqual({ approved: true, decided_by: "anonymous", comment: "ok" });
    expect(stepOf(run, "early")?.outputs).toEqual({
      approved: true,
      decided_by: "anonymous",
      comment: "in advance",
    });
  });

  it("a rejection fails the step with REJECTED; signals to a finished or unknown run are refused", async () => {
    const runId = await start([
      { stepId: "review", approval: { prompt: "Ship?" } },
      echoStep("after", ["review"], { stepId: "review", output: "comment" }),
    ]);
    await waiting(exec, runId, "review");
    await exec.decideApproval({ runId, stepId: "review", approve: false, comment: "no" });
    const run = await finished(exec, runId);
    expect(run.status).toBe(RunStatus.FAILED);
    expect(run.error).toMatchObject({
      code: "REJECTED",
      stepId: "review",
      message: "rejected by anonymous: no",
    });
    expect(stepOf(run, "after")?.status).toBe(StepStatus.SKIPPED);

    const done = await expectCode(exec.signalRun({ runId, signal: "x" }), Code.FailedPrecondition);
    expect(done.message).toContain("already finished");
    await expectCode(exec.signalRun({ runId: randomUUID(), signal: "x" }), Code.NotFound);
    await expectCode(
      exec.decideApproval({ runId: randomUUID(), stepId: "review", approve: true }),
      Code.NotFound,
    );
    await expectCode(exec.signalRun({ runId, signal: "bad name!" }), Code.InvalidArgument);
    await expectCode(exec.signalRun({ runId: "nope", signal: "x" }), Code.InvalidArgument);
    await expectCode(exec.decideApproval({ runId, stepId: "", approve: true }), Code.InvalidArgument);
  });

  it("a wait whose timeout passes fails SIGNAL_TIMEOUT; cancelling a parked run cancels it", async () => {
    const timed = await start([{ stepId: "w", waitForSignal: { signal: "never", timeout: secs(1) } }]);
    const run = await finished(exec, timed);
    expect(run.error).toMatchObject({ code: "SIGNAL_TIMEOUT", stepId: "w" });

    const parkedId = await start([{ stepId: "w", approval: { prompt: "forever?" } }]);
    await waiting(exec, parkedId, "w");
    await waitFor("the run parked (no owner)", async () =>
      (await runRow(p.db.url, parkedId)).owner === null ? true : undefined,
    );
    const cancelled = await exec.cancelRun({ id: parkedId, reason: "not needed" });
    expect(cancelled.run?.status).toBe(RunStatus.CANCELLED);
    expect(stepOf(cancelled.run, "w")?.status).toBe(StepStatus.CANCELLED);
  });

  describe("the CLI and the examples", () => {
    let dir: string;
    const sfx = randomUUID().slice(0, 8);
    const names = ["nap-between", "await-payment", "publish-draft"];

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "mcp-waits-"));
    });
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    const example = (file: string): Promise<string> => exampleCopy(file, dir, sfx, names);

    const mcp = (...args: string[]): Promise<CliResult> => cliAgainst(p, ...args);
    const runIdOf = (stdout: string) => /[0-9a-f]{8}-[0-9a-f-]{27}/.exec(stdout)?.[0] ?? "";

    it("examples/sleep.yaml › sleeps 2 s durably between its steps", async () => {
      expect((await mcp("apply", "-f", await example("sleep.yaml"))).code).toBe(0);
      const res = await mcp("run", `nap-between-${sfx}`, "-o", "json");
      expect(res).toMatchObject({ code: 0 });
      const slept = Number(/"slept_seconds": ([0-9.]+)/.exec(res.stdout)?.[1]);
      expect(slept).toBeGreaterThanOrEqual(2);
    });

    it("examples/signal.yaml › `mcp get run` shows the wait, `mcp signal` delivers the payload", async () => {
      expect((await mcp("apply", "-f", await example("signal.yaml"))).code).toBe(0);
      const runId = runIdOf((await mcp("run", `await-payment-${sfx}`, "--detach")).stdout);
      await waiting(exec, runId, "payment");
      const shown = await mcp("get", "run", runId);
      expect(shown.stdout).toContain("waiting: step payment waits for signal payment.received");
      const sent = await mcp(
        "signal",
        runId,
        "payment.received",
        "--data",
        '{"amount": 42}',
        "--request-id",
        "pay-1",
      );
      expect(sent).toMatchObject({ code: 0 });
      expect(sent.stdout).toContain("a waiting step receives it");
      const run = await finished(exec, runId);
      expect(run.outputs).toEqual({ receipt: "received 42" });
      const bad = await mcp("signal", runId, "payment.received", "--data", "{oops");
      expect(bad.code).toBe(2);
      const late = await mcp("signal", runId, "payment.received");
      expect(late.code).not.toBe(0);
      expect(late.stderr).toContain("already finished");
    });

    it("examples/approval.yaml › `mcp approve` publishes; `mcp reject` fails the run with REJECTED", async () => {
      expect((await mcp("apply", "-f", await example("approval.yaml"))).code).toBe(0);
      const approved = runIdOf(
        (await mcp("run", `publish-draft-${sfx}`, "--input", "topic=release", "--detach")).stdout,
      );
      await waiting(exec, approved, "review");
      expect((await mcp("get", "run", approved)).stdout).toContain(
        'waits for approval: "Publish this draft?"',
      );
      const yes = await mcp("approve", approved, "review", "--comment", "looks good");
      expect(yes.stdout.trim()).toBe(`step review of run ${approved} approved by anonymous`);
      const run = await finished(exec, approved);
      expect(run.outputs).toEqual({ published: "News about release. (approved by anonymous)" });

      const rejected = runIdOf(
        (await mcp("run", `publish-draft-${sfx}`, "--input", "topic=other", "--detach")).stdout,
      );
      const no = await mcp("reject", rejected, "review", "--comment", "not yet");
      expect(no).toMatchObject({ code: 0 });
      const failed = await finished(exec, rejected);
      expect(failed.status).toBe(RunStatus.FAILED);
      expect(failed.error?.code).toBe("REJECTED");
    });
  });
});

describe("durable sleep across an executor restart", () => {
  let p: TestPlatform;
  const children: ExecutorProcess[] = [];

  beforeAll(async () => {
    p = await startPlatform({ executors: 0 });
  });
  afterAll(async () => {
    for (const c of children) await crashExecutor(c);
    await p?.stop();
  });

  it("a 2 s sleep holds no executor: the run has no owner and no slot while it sleeps, and another executor finishes it", async () => {
    const echo = uniqueName("echo");
    await p.clients.registry.createMcp({ name: echo, config: scriptConfig(ECHO_SCRIPT, 30) });
    const workflow = uniqueName("napper");
    await p.clients.workflows.createWorkflow({
      name: workflow,
      spec: {
        executionMode: ExecutionMode.SEQUENTIAL,
        steps: [
          { stepId: "nap", sleep: { duration: secs(2) } },
          {
            stepId: "after",
            dependsOn: ["nap"],
            mcp: { mcp: { case: "name", value: echo } },
            inputs: {
              text: {
                source: { case: "staticValue", value: { kind: { case: "stringValue", value: "awake" } } },
              },
            },
          },
        ],
      },
    });
    const a = await spawnExecutor(executorEnv(p.db, p.registry.url, p.workflows.server.url));
    children.push(a);
    const viaA = executorClient(a.url);
    const { run: started } = await viaA.executeWorkflow({
      workflow: { workflow: { case: "name", value: workflow } },
    });
    const runId = started!.id;

    const parked = await waitFor(
      "the sleep WAITING and the run parked: no owner, a wake time",
      async () => {
        const row = await runRow(p.db.url, runId);
        return row.owner === null && row.wake_at !== null ? row : undefined;
      },
      { intervalMs: 20 },
    );
    expect(await activeRuns(a.url)).toBe(0);
    await crashExecutor(a);
    // still parked after the kill: nobody drives it
    expect((await runRow(p.db.url, runId)).owner).toBeNull();

    const b = await p.addExecutor({ EXECUTOR_POLL_MS: "200" });
    const viaB = executorClient(b.server.url);
    const run = await finished(viaB, runId);
    expect(run.status).toBe(RunStatus.SUCCEEDED);
    const nap = stepOf(run, "nap")!;
    expect(nap.kind).toBe(StepKind.SLEEP);
    expect(nap.status).toBe(StepStatus.SUCCEEDED);
    expect(timestampMs(nap.finishTime!) - timestampMs(nap.startTime!)).toBeGreaterThanOrEqual(1990);
    expect(stepOf(run, "after")?.outputs).toEqual({ text: "awake" });
    expect(parked.wake_at!.getTime()).toBeLessThanOrEqual(Date.now());
    // parking and waking are not recoveries
    expect((await runRow(p.db.url, runId)).recoveries).toBe(0);
  });
});
