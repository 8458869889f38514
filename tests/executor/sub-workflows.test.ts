import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConnectError, Code, createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ExecutorService, RunStatus, StepKind, StepStatus, type WorkflowRun } from "@mcp/proto/executor";
import { ExecutionMode } from "@mcp/proto/workflows";
import { Client as PgClient } from "pg";
import { cliAgainst, type CliResult } from "../support/cli";
import { exampleCopy } from "../support/examples";
import { crashSuite } from "../support/crash-suite";
import { crashExecutor } from "../support/kill-executor";
import { uniqueName } from "../support/mcps";
import { executorEnv, spawnExecutor, startPlatform, type TestPlatform } from "../support/platform";
import { COUNTER_SCRIPT, ECHO_SCRIPT, SLEEP_SCRIPT, scriptConfig } from "../support/scripts";
import { waitFor } from "../support/wait-for";

const executorClient = (url: string): Client<typeof ExecutorService> =>
  createClient(ExecutorService, createGrpcTransport({ baseUrl: url }));
const stepOf = (run: WorkflowRun | undefined, stepId: string) => run?.steps.find((s) => s.stepId === stepId);
const FINISHED = new Set([
  RunStatus.SUCCEEDED,
  RunStatus.FAILED,
  RunStatus.CANCELLED,
  RunStatus.PARTIALLY_SUCCEEDED,
]);
const text = (value: string) => ({
  source: { case: "staticValue" as const, value: { kind: { case: "stringValue" as const, value } } },
});
const fromInput = (name: string) => ({ source: { case: "workflowInput" as const, value: name } });
const fromStep = (stepId: string, output: string) => ({
  source: { case: "stepOutput" as const, value: { stepId, output } },
});
const byName = (name: string) => ({ workflow: { case: "name" as const, value: name } });
const linesIn = (file: string): string[] =>
  existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : [];

async function finished(client: Client<typeof ExecutorService>, runId: string, timeoutMs = 90_000) {
  return waitFor(
    `run ${runId} finished`,
    async () => {
      const { run } = await client.getRun({ id: runId });
      return run && FINISHED.has(run.status) ? run : undefined;
    },
    { timeoutMs },
  );
}

/** The child run id of a sub-workflow step, once started. */
async function childOf(client: Client<typeof ExecutorService>, runId: string, stepId: string) {
  return waitFor(`the child run of step ${stepId} of run ${runId}`, async () => {
    const { run } = await client.getRun({ id: runId });
    return stepOf(run, stepId)?.childRunId || undefined;
  });
}

async function childCount(dbUrl: string, parentRunId: string): Promise<number> {
  const pg = new PgClient({ connectionString: dbUrl });
  await pg.connect();
  try {
    const { rows } = await pg.query<{ n: string }>(
      "SELECT count(*) AS n FROM workflow_runs WHERE parent_run_id = $1 AND parent_step_id IS NOT NULL",
      [parentRunId],
    );
    return Number(rows[0]!.n);
  } finally {
    await pg.end();
  }
}

describe("sub-workflows", () => {
  let p: TestPlatform;
  let exec: Client<typeof ExecutorService>;
  let echo: string;
  let slow: string;

  beforeAll(async () => {
    p = await startPlatform();
    exec = p.clients.executor;
    echo = uniqueName("echo");
    slow = uniqueName("slow");
    await p.clients.registry.createMcp({ name: echo, config: scriptConfig(ECHO_SCRIPT, 30) });
    await p.clients.registry.createMcp({ name: slow, config: scriptConfig(SLEEP_SCRIPT, 120) });
  });
  afterAll(async () => {
    await p?.stop();
  });

  /** grandchild (echo, or a slow step first) ← child (calls it, then echoes) ← parent (calls child). */
  async function chain(slowSeconds?: number): Promise<{ parent: string; child: string; grandchild: string }> {
    const grandchild = uniqueName("grandchild");
    const child = uniqueName("child");
    const parent = uniqueName("parent");
    await p.clients.workflows.createWorkflow({
      name: grandchild,
      spec: {
        executionMode: ExecutionMode.SEQUENTIAL,
        inputs: [{ name: "text", required: true }],
        steps: [
          ...(slowSeconds
            ? [
                {
                  stepId: "nap",
                  mcp: { mcp: { case: "name" as const, value: slow } },
                  inputs: { seconds: text(String(slowSeconds)) },
                },
              ]
            : []),
          {
            stepId: "echo",
            dependsOn: slowSeconds ? ["nap"] : [],
            mcp: { mcp: { case: "name", value: echo } },
            inputs: { text: fromInput("text") },
          },
        ],
        outputs: [{ name: "said", stepId: "echo", output: "text" }],
      },
    });
    await p.clients.workflows.createWorkflow({
      name: child,
      spec: {
        executionMode: ExecutionMode.SEQUENTIAL,
        inputs: [{ name: "text", required: true }],
        steps: [
          { stepId: "deeper", workflow: byName(grandchild), inputs: { text: fromInput("text") } },
          {
            stepId: "again",
            dependsOn: ["deeper"],
            mcp: { mcp: { case: "name", value: echo } },
            inputs: { text: fromStep("deeper", "said") },
          },
        ],
        outputs: [{ name: "said", stepId: "again", output: "text" }],
      },
    });
    await p.clients.workflows.createWorkflow({
      name: parent,
      spec: {
        executionMode: ExecutionMode.SEQUENTIAL,
        steps: [{ stepId: "call", workflow: byName(child), inputs: { text: text("hello") } }],
        outputs: [{ name: "result", stepId: "call", output: "said" }],
      },
    });
    return { parent, child, grandchild };
  }

  it("parent → child → grandchild succeeds, outputs flow back, runs are linked both ways", async () => {
    const names = await chain();
    const { run } = await exec.executeWorkflow({ workflow: byName(names.parent) });
    const parent = await finished(exec, run!.id);
    expect(RunStatus[parent.status]).toBe("SUCCEEDED");
    expect(parent.outputs).toEqual({ result: "hello" });
    const call = stepOf(parent, "call")!;
    expect(call).toMatchObject({ kind: StepKind.WORKFLOW, status: StepStatus.SUCCEEDED, attempt: 1 });
    expect(call.outputs).toEqual({ said: "hello" });
    const child = (await exec.getRun({ id: call.childRunId })).run!;
    expect(child).toMatchObject({
      workflowName: names.child,
      parentRunId: parent.id,
      parentStepId: "call",
      status: RunStatus.SUCCEEDED,
    });
    const grandchild = (await exec.getRun({ id: stepOf(child, "deeper")!.childRunId })).run!;
    expect(grandchild).toMatchObject({
      workflowName: names.grandchild,
      parentRunId: child.id,
      parentStepId: "deeper",
      status: RunStatus.SUCCEEDED,
      outputs: { said: "hello" },
    });
    expect(await childCount(p.db.url, parent.id)).toBe(1);
    const listed = await exec.listRuns({ filter: { parentRunId: parent.id } });
    expect(listed.runs.map((r) => r.id)).toEqual([child.id]);
    const bad = await exec.listRuns({ filter: { parentRunId: "nope" } }).catch((e: unknown) => e);
    expect(ConnectError.from(bad).code).toBe(Code.InvalidArgument);
  });

  it("cancelling the parent while the grandchild runs a slow step ends all three CANCELLED", async () => {
    const names = await chain(120);
    const { run } = await exec.executeWorkflow({ workflow: byName(names.parent) });
    const parentId = run!.id;
    const childId = await childOf(exec, parentId, "call");
    const grandchildId = await childOf(exec, childId, "deeper");
    await waitFor("the grandchild's slow step RUNNING", async () => {
      const { run: g } = await exec.getRun({ id: grandchildId });
      return stepOf(g, "nap")?.status === StepStatus.RUNNING ? true : undefined;
    });
    await exec.cancelRun({ id: parentId, reason: "changed my mind" });
    for (const id of [parentId, childId, grandchildId]) {
      const ended = await finished(exec, id, 60_000);
      expect(RunStatus[ended.status]).toBe("CANCELLED");
    }
    const { run: g } = await exec.getRun({ id: grandchildId });
    expect(stepOf(g, "nap")?.status).toBe(StepStatus.CANCELLED);
  });

  it("a child cancelled alone fails its parent's step with SUBWORKFLOW_FAILED", async () => {
    const names = await chain(120);
    const { run } = await exec.executeWorkflow({ workflow: byName(names.child), inputs: { text: "x" } });
    const childId = run!.id;
    const grandchildId = await childOf(exec, childId, "deeper");
    await waitFor("the grandchild's slow step RUNNING", async () => {
      const { run: g } = await exec.getRun({ id: grandchildId });
      return stepOf(g, "nap")?.status === StepStatus.RUNNING ? true : undefined;
    });
    await exec.cancelRun({ id: grandchildId, reason: "just this one" });
    const ended = await finished(exec, childId, 60_000);
    expect(RunStatus[ended.status]).toBe("FAILED");
    expect(ended.error).toMatchObject({ code: "SUBWORKFLOW_FAILED", stepId: "deeper" });
    expect(ended.error?.message).toContain(`sub-workflow run ${grandchildId} ended cancelled`);
  });

  it("a child that fails fails the step with SUBWORKFLOW_FAILED naming the child run", async () => {
    const failing = uniqueName("failing");
    await p.clients.workflows.createWorkflow({
      name: failing,
      spec: {
        steps: [
          { stepId: "needs", mcp: { mcp: { case: "name", value: echo } }, inputs: { nope: text("x") } },
        ],
      },
    });
    const parent = uniqueName("parent");
    await p.clients.workflows.createWorkflow({
      name: parent,
      spec: { steps: [{ stepId: "call", workflow: byName(failing) }] },
    });
    const { run } = await exec.executeWorkflow({ workflow: byName(parent) });
    const ended = await finished(exec, run!.id);
    expect(RunStatus[ended.status]).toBe("FAILED");
    const childId = stepOf(ended, "call")!.childRunId;
    expect(ended.error).toMatchObject({ code: "SUBWORKFLOW_FAILED", stepId: "call" });
    expect(ended.error?.message).toContain(`sub-workflow run ${childId} ended failed`);
  });

  /** A workflow `loop` running `child` (sleeps `seconds`, then echoes `text`) per item of input `texts`. */
  async function loopOver(seconds: number, maxConcurrency: number): Promise<string> {
    const child = uniqueName("item-child");
    await p.clients.workflows.createWorkflow({
      name: child,
      spec: {
        executionMode: ExecutionMode.SEQUENTIAL,
        inputs: [{ name: "text", required: true }],
        steps: [
          {
            stepId: "nap",
            mcp: { mcp: { case: "name", value: slow } },
            inputs: { seconds: text(String(seconds)) },
          },
          {
            stepId: "echo",
            dependsOn: ["nap"],
            mcp: { mcp: { case: "name", value: echo } },
            inputs: { text: fromInput("text") },
          },
        ],
        outputs: [{ name: "said", stepId: "echo", output: "text" }],
      },
    });
    const loop = uniqueName("loop");
    await p.clients.workflows.createWorkflow({
      name: loop,
      spec: {
        inputs: [{ name: "texts", required: true }],
        steps: [
          {
            stepId: "each",
            workflow: byName(child),
            forEach: { source: { case: "workflowInput", value: "texts" }, maxConcurrency },
            inputs: { text: { source: { case: "item", value: "" } } },
          },
        ],
        outputs: [{ name: "said", stepId: "each", output: "items" }],
      },
    });
    return loop;
  }

  it("for_each over a sub-workflow: a child run per item, at most max_concurrency at once, outputs in item order", async () => {
    const loop = await loopOver(0.3, 2);
    const texts = ["a", "b", "c", "d", "e"];
    const { run } = await exec.executeWorkflow({ workflow: byName(loop), inputs: { texts } });
    const parent = await finished(exec, run!.id, 120_000);
    expect(RunStatus[parent.status]).toBe("SUCCEEDED");
    expect(parent.outputs).toEqual({ said: texts.map((t) => ({ said: t })) });

    const listed = await exec.listRuns({ filter: { parentRunId: parent.id }, pageSize: 50 });
    const children = listed.runs;
    expect(children.map((c) => c.parentStepId).sort()).toEqual(texts.map((_, i) => `each[${i}]`));
    expect(children.every((c) => c.status === RunStatus.SUCCEEDED)).toBe(true);
    // each item row names its child run
    const items = parent.steps.filter((s) => s.parentStepId === "each");
    expect(items.map((i) => i.status)).toEqual(texts.map(() => StepStatus.SUCCEEDED));
    expect(new Set(items.map((i) => i.childRunId))).toEqual(new Set(children.map((c) => c.id)));
    // never more than 2 children alive at once: at each child's creation, count those created and not finished
    const spans = children.map((c) => ({
      from: Number(c.createTime!.seconds) * 1000 + c.createTime!.nanos / 1e6,
      to: Number(c.finishTime!.seconds) * 1000 + c.finishTime!.nanos / 1e6,
    }));
    const alive = spans.map((s) => spans.filter((o) => o.from <= s.from && o.to > s.from).length);
    expect(Math.max(...alive)).toBeLessThanOrEqual(2);
    expect(await childCount(p.db.url, parent.id)).toBe(texts.length);
  });

  it("cancelling a for_each over a sub-workflow cancels its running children and closes its items", async () => {
    const loop = await loopOver(120, 2);
    const { run } = await exec.executeWorkflow({
      workflow: byName(loop),
      inputs: { texts: ["x", "y", "z"] },
    });
    const parentId = run!.id;
    const running = await waitFor("two children running", async () => {
      const { runs } = await exec.listRuns({ filter: { parentRunId: parentId } });
      return runs.length === 2 ? runs : undefined;
    });
    await exec.cancelRun({ id: parentId, reason: "enough" });
    const parent = await finished(exec, parentId, 60_000);
    expect(RunStatus[parent.status]).toBe("CANCELLED");
    for (const child of running) {
      const ended = await finished(exec, child.id, 60_000);
      expect(RunStatus[ended.status]).toBe("CANCELLED");
    }
    const items = parent.steps.filter((s) => s.parentStepId === "each");
    expect(items.map((i) => StepStatus[i.status])).toEqual(["CANCELLED", "CANCELLED"]);
    expect(StepStatus[stepOf(parent, "each")!.status]).toBe("CANCELLED");
    // the third item never started a child
    expect(await childCount(p.db.url, parentId)).toBe(2);
  });

  it("a workflow step's timeout_seconds bounds its child run: the child times out and fails the step", async () => {
    const names = await chain(120);
    const parent = uniqueName("bounded");
    await p.clients.workflows.createWorkflow({
      name: parent,
      spec: {
        steps: [
          { stepId: "call", workflow: byName(names.child), inputs: { text: text("x") }, timeoutSeconds: 2 },
        ],
      },
    });
    const started = Date.now();
    const { run } = await exec.executeWorkflow({ workflow: byName(parent) });
    const ended = await finished(exec, run!.id, 60_000);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(RunStatus[ended.status]).toBe("FAILED");
    const childId = stepOf(ended, "call")!.childRunId;
    expect(ended.error).toMatchObject({ code: "SUBWORKFLOW_FAILED", stepId: "call" });
    expect(ended.error?.message).toContain(`sub-workflow run ${childId} ended failed (RUN_TIMEOUT`);
    const { run: child } = await exec.getRun({ id: childId });
    expect(child?.error?.code).toBe("RUN_TIMEOUT");
  });

  it("validation refuses a missing workflow, a direct and an indirect cycle", async () => {
    const wf = p.clients.workflows;
    const missing = await wf.validateWorkflow({
      target: { case: "spec", value: { steps: [{ stepId: "s", workflow: byName("no-such-workflow-x") }] } },
    });
    expect(missing.violations.map((v) => [v.field, v.code])).toEqual([
      ["spec.steps[0].workflow", "SUBWORKFLOW_NOT_FOUND"],
    ]);
    const leaf = {
      steps: [
        { stepId: "e", mcp: { mcp: { case: "name" as const, value: echo } }, inputs: { text: text("x") } },
      ],
    };
    const a = uniqueName("cyc-a");
    const b = uniqueName("cyc-b");
    await wf.createWorkflow({ name: a, spec: leaf });
    // direct: a calls a
    const direct = await wf
      .updateWorkflow({
        workflow: { case: "name", value: a },
        spec: { steps: [{ stepId: "me", workflow: byName(a) }] },
      })
      .then(
        () => undefined,
        (err: unknown) => ConnectError.from(err),
      );
    expect(direct?.code).toBe(Code.FailedPrecondition);
    expect(direct?.message).toContain(`${a} → ${a}`);
    // indirect: b calls a; a updated to call b
    await wf.createWorkflow({ name: b, spec: { steps: [{ stepId: "call-a", workflow: byName(a) }] } });
    const indirect = await wf
      .updateWorkflow({
        workflow: { case: "name", value: a },
        spec: { steps: [{ stepId: "call-b", workflow: byName(b) }] },
      })
      .then(
        () => undefined,
        (err: unknown) => ConnectError.from(err),
      );
    expect(indirect?.code).toBe(Code.FailedPrecondition);
    expect(indirect?.message).toContain(`${a} → ${b} → ${a}`);
    const missingInput = await wf.validateWorkflow({
      target: {
        case: "spec",
        value: { steps: [{ stepId: "s", workflow: byName(a), inputs: { extra: text("x") } }] },
      },
    });
    expect(missingInput.violations.map((v) => [v.field, v.code])).toEqual([
      ['spec.steps[0].inputs["extra"]', "UNKNOWN_WORKFLOW_INPUT"],
    ]);
    // a required input the step does not map is named at its own path, as the builder marks it
    const needy = uniqueName("needy");
    await wf.createWorkflow({ name: needy, spec: { ...leaf, inputs: [{ name: "topic", required: true }] } });
    const unmapped = await wf.validateWorkflow({
      target: {
        case: "spec",
        value: {
          steps: [
            { stepId: "first", workflow: byName(a) },
            { stepId: "second", workflow: byName(needy) },
          ],
        },
      },
    });
    expect(unmapped.violations.map((v) => [v.field, v.code])).toEqual([
      ['spec.steps[1].inputs["topic"]', "MISSING_WORKFLOW_INPUT"],
    ]);
  });

  describe("examples/sub-workflow.yaml", () => {
    let dir: string;
    const sfx = randomUUID().slice(0, 8);
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "mcp-sub-"));
    });
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    const mcp = (...args: string[]): Promise<CliResult> => cliAgainst(p, ...args);

    it("applies both workflows together, runs the parent, `mcp get run` names the child run", async () => {
      const file = await exampleCopy("sub-workflow.yaml", dir, sfx, ["greet-team", "greet-all", "greet-one"]);
      expect(await mcp("apply", "-f", file)).toMatchObject({ code: 0 });
      const res = await mcp("run", `greet-team-${sfx}`, "-o", "json");
      expect(res).toMatchObject({ code: 0 });
      expect(res.stdout).toContain('"HELLO, TEAM!"');
      const runId = /"id": "([0-9a-f-]{36})"/.exec(res.stdout)?.[1] ?? "";
      const shown = await mcp("get", "run", runId);
      expect(shown.stdout).toMatch(/sub-workflow: step hello runs run [0-9a-f-]{36}/);

      const all = await mcp(
        "run",
        `greet-all-${sfx}`,
        "--input-json",
        'names=["ada","alan","grace"]',
        "-o",
        "json",
      );
      expect(all).toMatchObject({ code: 0 });
      const { run } = JSON.parse(all.stdout) as { run: { id: string; outputs: unknown } };
      const children = await mcp("runs", "--parent", run.id, "-o", "json");
      expect((JSON.parse(children.stdout) as { runs: unknown[] }).runs).toHaveLength(3);
      const outputs = run.outputs;
      expect(outputs).toEqual({
        greetings: [{ greeting: "hello, ada" }, { greeting: "hello, alan" }, { greeting: "hello, grace" }],
      });
    });
  });
});

describe("sub-workflows across an executor crash", () => {
  const s = crashSuite("mcp-sub-crash-");

  it("SIGKILLed while the child runs: both resume, each step runs once (the one in flight at most twice)", async () => {
    const counter = uniqueName("counter");
    await s.p.clients.registry.createMcp({ name: counter, config: scriptConfig(COUNTER_SCRIPT, 60) });
    const file = (tag: string) => join(s.dir, `${tag}.txt`);
    const count = (stepId: string, seconds: number, dependsOn: string[] = []) => ({
      stepId,
      dependsOn,
      mcp: { mcp: { case: "name" as const, value: counter } },
      inputs: { counter: text(file(stepId)), tag: text(stepId), seconds: text(String(seconds)) },
    });
    const child = uniqueName("crash-child");
    const parent = uniqueName("crash-parent");
    await s.p.clients.workflows.createWorkflow({
      name: child,
      spec: { steps: [count("before", 0), count("slow", 10, ["before"])] },
    });
    await s.p.clients.workflows.createWorkflow({
      name: parent,
      spec: {
        steps: [
          count("first", 0),
          { stepId: "call", dependsOn: ["first"], workflow: byName(child) },
          count("last", 0, ["call"]),
        ],
      },
    });
    const a = await spawnExecutor(
      executorEnv(s.p.db, s.p.registry.url, s.p.workflows.server.url, { SANDBOX_WRITE_PATHS: s.dir }),
    );
    s.children.push(a);
    const viaA = executorClient(a.url);
    const { run } = await viaA.executeWorkflow({ workflow: byName(parent) });
    const parentId = run!.id;
    const childId = await childOf(viaA, parentId, "call");
    await waitFor(
      "the child's slow step RUNNING, its script started",
      async () => {
        const { run: c } = await viaA.getRun({ id: childId });
        return stepOf(c, "slow")?.status === StepStatus.RUNNING && linesIn(file("slow")).length === 1
          ? true
          : undefined;
      },
      { timeoutMs: 60_000 },
    );
    await crashExecutor(a);

    const b = await s.p.addExecutor({ SANDBOX_WRITE_PATHS: s.dir });
    const viaB = executorClient(b.server.url);
    const ended = await finished(viaB, parentId, 120_000);
    expect(RunStatus[ended.status]).toBe("SUCCEEDED");
    expect(stepOf(ended, "call")?.childRunId).toBe(childId);
    expect(RunStatus[(await finished(viaB, childId)).status]).toBe("SUCCEEDED");
    expect(await childCount(s.p.db.url, parentId)).toBe(1);
    expect(linesIn(file("first"))).toHaveLength(1);
    expect(linesIn(file("before"))).toHaveLength(1);
    expect(linesIn(file("slow")).length).toBeLessThanOrEqual(2);
    expect(linesIn(file("last"))).toHaveLength(1);
  });
});
