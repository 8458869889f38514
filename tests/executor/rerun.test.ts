import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Code } from "@connectrpc/connect";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { RunStatus, StepStatus, type WorkflowRun } from "@mcp/proto/executor";
import { errorDetails } from "@mcp/proto/grpc";
import { ExecutionMode, type StepSchema } from "@mcp/proto/workflows";
import { crashSuite } from "../support/crash-suite";
import { expectCode, fieldsOf } from "../support/errors";
import { uniqueName } from "../support/mcps";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ExecutorService } from "@mcp/proto/executor";
import { crashExecutor } from "../support/kill-executor";
import { executorEnv, spawnExecutor, startPlatform, type TestPlatform } from "../support/platform";
import { sharedScratch } from "../support/scratch";
import { scriptConfig } from "../support/scripts";
import { waitFor } from "../support/wait-for";

/**
 * Appends a line to the file named by input `counter` (how often the step really ran), then returns
 * `{trail: trail + tag}`: the trail through the steps shows which outputs the next step received.
 * `ok = False` makes it a broken version that fails after counting.
 */
const trailScript = (ok: boolean) => `import json, sys, time
data = json.load(open(sys.argv[1]))
with open(data["counter"], "a") as f:
    f.write("x\\n")
trail = data.get("trail", "") + data["tag"]
time.sleep(float(data.get("seconds", 0)))
json.dump({"success": ${ok ? "True" : "False"}, "result": {"trail": trail}, "error": ${ok ? "None" : '"broken until fixed"'}}, open(sys.argv[2], "w"))
`;

/** Waits until the file named by input `gate` exists, then returns `{done: true}`. */
const GATE_SCRIPT = `import json, os, sys, time
data = json.load(open(sys.argv[1]))
deadline = time.time() + 120
while not os.path.exists(data["gate"]) and time.time() < deadline:
    time.sleep(0.05)
json.dump({"success": True, "result": {"done": True}, "error": None}, open(sys.argv[2], "w"))
`;

const text = (value: string) => ({
  source: { case: "staticValue" as const, value: { kind: { case: "stringValue" as const, value } } },
});

const finished = (run: WorkflowRun | undefined) =>
  run && run.status !== RunStatus.RUNNING && run.status !== RunStatus.PENDING ? run : undefined;

const STEPS = ["a", "b", "c", "d", "e"];

describe("RerunRun", () => {
  let p: TestPlatform;
  let dir: string;
  beforeAll(async () => {
    dir = sharedScratch("mcp-rerun-");
    p = await startPlatform({ executorEnv: { SANDBOX_WRITE_PATHS: dir } });
  });
  afterAll(async () => {
    await p?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const counterOf = (tag: string) => join(dir, `${tag}.txt`);
  const counts = (tags: readonly string[]) =>
    Object.fromEntries(
      tags.map((t) => [
        t,
        existsSync(counterOf(t)) ? readFileSync(counterOf(t), "utf8").split("\n").filter(Boolean).length : 0,
      ]),
    );
  const getRun = async (id: string) => (await p.clients.executor.getRun({ id })).run!;
  const untilFinished = (id: string) =>
    waitFor(`run ${id} to finish`, async () => finished(await getRun(id)), {
      timeoutMs: 90_000,
      intervalMs: 100,
    });
  const statuses = (run: WorkflowRun) => run.steps.map((s) => [s.stepId, StepStatus[s.status]]);
  const runCount = async () => (await p.clients.executor.listRuns({ pageSize: 500 })).runs.length;

  /** a → b → c → d → e; c calls `fragile`, the others `steady`; each passes the trail on. */
  async function chain(prefix: string): Promise<{ workflow: string; steady: string; fragile: string }> {
    const steady = uniqueName(`${prefix}-steady`);
    const fragile = uniqueName(`${prefix}-fragile`);
    await p.clients.registry.createMcp({ name: steady, config: scriptConfig(trailScript(true), 60) });
    await p.clients.registry.createMcp({ name: fragile, config: scriptConfig(trailScript(false), 60) });
    const steps: MessageInitShape<typeof StepSchema>[] = STEPS.map((id, i) => {
      const before = STEPS[i - 1];
      return {
        stepId: id,
        mcp: { mcp: { case: "name", value: id === "c" ? fragile : steady } },
        ...(before ? { dependsOn: [before] } : {}),
        inputs: {
          counter: text(counterOf(`${prefix}-${id}`)),
          tag: text(id),
          ...(before
            ? {
                trail: {
                  source: { case: "stepOutput" as const, value: { stepId: before, output: "trail" } },
                },
              }
            : {}),
        },
      };
    });
    const workflow = uniqueName(`${prefix}-chain`);
    await p.clients.workflows.createWorkflow({
      name: workflow,
      spec: {
        executionMode: ExecutionMode.SEQUENTIAL,
        steps,
        outputs: [{ name: "trail", stepId: "e", output: "trail" }],
      },
    });
    return { workflow, steady, fragile };
  }

  const failedRun = async (workflow: string) => {
    const { run } = await p.clients.executor.executeWorkflow({
      workflow: { workflow: { case: "name", value: workflow } },
      wait: true,
      waitTimeoutSeconds: 120,
    });
    const done = await untilFinished(run!.id);
    expect(RunStatus[done.status]).toBe("FAILED");
    expect(statuses(done)).toEqual([
      ["a", "SUCCEEDED"],
      ["b", "SUCCEEDED"],
      ["c", "FAILED"],
      ["d", "SKIPPED"],
      ["e", "SKIPPED"],
    ]);
    return done;
  };

  it("re-runs only the failed step and its descendants, reusing the others' outputs; the label picks the fixed version; the old run is unchanged", async () => {
    const { workflow, steady, fragile } = await chain("fix");
    const tags = STEPS.map((id) => `fix-${id}`);
    const old = await failedRun(workflow);
    expect(counts(tags)).toEqual({ "fix-a": 1, "fix-b": 1, "fix-c": 1, "fix-d": 0, "fix-e": 0 });

    // the fix: version 2 of `fragile` works; not labelled production yet
    await p.clients.registry.updateMcp({
      mcp: { case: "name", value: fragile },
      config: scriptConfig(trailScript(true), 60),
    });
    const before = await runCount();
    const noLabel = await expectCode(
      p.clients.executor.rerunRun({ runId: old.id, fromStepId: "c", resolveLabel: "production" }),
      Code.FailedPrecondition,
    );
    expect(noLabel.rawMessage).toContain(`MCP "${fragile}" (step "c") has no "production" label`);
    expect(fieldsOf(noLabel)).toEqual(["resolve_label"]);
    expect(await runCount()).toBe(before);

    // with the old run's pins, c is the broken version 1 again
    const pinned = await p.clients.executor.rerunRun({ runId: old.id, fromStepId: "c", wait: true });
    const pinnedRun = await untilFinished(pinned.run!.id);
    expect(RunStatus[pinnedRun.status]).toBe("FAILED");
    expect(pinnedRun.steps.find((s) => s.stepId === "c")?.mcpVersion).toBe(1);
    expect(counts(tags)).toEqual({ "fix-a": 1, "fix-b": 1, "fix-c": 2, "fix-d": 0, "fix-e": 0 });

    await p.clients.registry.setMcpLabel({
      mcp: { case: "name", value: fragile },
      label: "production",
      version: 2,
    });
    await p.clients.registry.setMcpLabel({
      mcp: { case: "name", value: steady },
      label: "production",
      version: 1,
    });
    const requestId = `rerun-${randomUUID()}`;
    const fixed = await p.clients.executor.rerunRun({
      runId: old.id,
      fromStepId: "c",
      resolveLabel: "production",
      requestId,
      wait: true,
      waitTimeoutSeconds: 120,
    });
    expect(fixed.created).toBe(true);
    const rerun = await untilFinished(fixed.run!.id);
    expect(RunStatus[rerun.status]).toBe("SUCCEEDED");
    expect(rerun.outputs).toEqual({ trail: "abcde" });
    expect(counts(tags)).toEqual({ "fix-a": 1, "fix-b": 1, "fix-c": 3, "fix-d": 1, "fix-e": 1 });
    expect({
      rerunOf: rerun.rerunOfRunId,
      from: rerun.rerunFromStepId,
      reused: rerun.reusedStepIds,
      workflow: rerun.workflowName,
      inputs: rerun.inputs,
      c: rerun.steps.find((s) => s.stepId === "c")?.mcpVersion,
    }).toEqual({ rerunOf: old.id, from: "c", reused: ["a", "b"], workflow, inputs: old.inputs, c: 2 });
    // the reused steps are the old run's, as they ended
    for (const id of ["a", "b"]) {
      const was = old.steps.find((s) => s.stepId === id)!;
      const now = rerun.steps.find((s) => s.stepId === id)!;
      expect([StepStatus[now.status], now.outputs, now.attempt, now.startTime]).toEqual([
        "SUCCEEDED",
        was.outputs,
        was.attempt,
        was.startTime,
      ]);
    }
    // the old run is unchanged
    expect(await getRun(old.id)).toEqual(old);

    // the same request again is the same run; the same key for another request is refused
    const again = await p.clients.executor.rerunRun({
      runId: old.id,
      fromStepId: "c",
      resolveLabel: "production",
      requestId,
    });
    expect([again.created, again.run?.id]).toEqual([false, rerun.id]);
    await expectCode(
      p.clients.executor.rerunRun({ runId: old.id, fromStepId: "d", requestId }),
      Code.AlreadyExists,
    );

    // a re-run of the re-run from d: a, b (taken over twice) and c keep their outputs
    const later = await p.clients.executor.rerunRun({ runId: rerun.id, fromStepId: "d", wait: true });
    const laterRun = await untilFinished(later.run!.id);
    expect([RunStatus[laterRun.status], laterRun.outputs, laterRun.reusedStepIds]).toEqual([
      "SUCCEEDED",
      { trail: "abcde" },
      ["a", "b", "c"],
    ]);
    expect(counts(tags)).toEqual({ "fix-a": 1, "fix-b": 1, "fix-c": 3, "fix-d": 2, "fix-e": 2 });

    // no from step: every step runs again
    const whole = await p.clients.executor.rerunRun({ runId: rerun.id, wait: true });
    const wholeRun = await untilFinished(whole.run!.id);
    expect([RunStatus[wholeRun.status], wholeRun.reusedStepIds, wholeRun.rerunFromStepId]).toEqual([
      "SUCCEEDED",
      [],
      "",
    ]);
    expect(counts(tags)).toEqual({ "fix-a": 2, "fix-b": 2, "fix-c": 4, "fix-d": 3, "fix-e": 3 });
  });

  it("runs a failed step upstream of from_step_id again (it has no outputs to reuse); a label every re-run step needs names the MCP that lacks it", async () => {
    const { workflow, fragile } = await chain("up");
    const tags = STEPS.map((id) => `up-${id}`);
    const old = await failedRun(workflow);
    await p.clients.registry.updateMcp({
      mcp: { case: "name", value: fragile },
      config: scriptConfig(trailScript(true), 60),
    });
    await p.clients.registry.setMcpLabel({
      mcp: { case: "name", value: fragile },
      label: "fixed",
      version: 2,
    });
    // from b, with `fixed` only on `fragile`: FAILED_PRECONDITION names `steady` (b runs again)
    const err = await expectCode(
      p.clients.executor.rerunRun({ runId: old.id, fromStepId: "b", resolveLabel: "fixed" }),
      Code.FailedPrecondition,
    );
    expect(err.rawMessage).toContain('(step "b") has no "fixed" label');
    // from e (downstream of the failure): c has no outputs to reuse, so c, d and e run
    const fromE = await p.clients.executor.rerunRun({ runId: old.id, fromStepId: "e", wait: true });
    const run = await untilFinished(fromE.run!.id);
    expect([RunStatus[run.status], run.reusedStepIds]).toEqual(["FAILED", ["a", "b"]]);
    expect(counts(tags)).toEqual({ "up-a": 1, "up-b": 1, "up-c": 2, "up-d": 0, "up-e": 0 });
  });

  it("re-runs a single-MCP run, and refuses one still running with FAILED_PRECONDITION", async () => {
    const mcp = uniqueName("gate");
    await p.clients.registry.createMcp({ name: mcp, config: scriptConfig(GATE_SCRIPT, 120) });
    const gate = join(dir, `gate-${randomUUID()}`);
    const { run } = await p.clients.executor.runMcp({
      mcp: { mcp: { case: "name", value: mcp } },
      inputs: { gate },
    });
    const before = await runCount();
    const err = await expectCode(p.clients.executor.rerunRun({ runId: run!.id }), Code.FailedPrecondition);
    expect(err.rawMessage).toContain("only a finished run can be re-run");
    expect(fieldsOf(err)).toEqual(["run_id"]);
    expect(await runCount()).toBe(before);
    writeFileSync(gate, "open");
    const old = await untilFinished(run!.id);
    expect(RunStatus[old.status]).toBe("SUCCEEDED");

    const again = await p.clients.executor.rerunRun({ runId: old.id, fromStepId: "mcp", wait: true });
    const rerun = await untilFinished(again.run!.id);
    expect({
      kind: rerun.kind,
      mcp: rerun.mcpName,
      status: RunStatus[rerun.status],
      outputs: rerun.outputs,
      inputs: rerun.inputs,
      rerunOf: rerun.rerunOfRunId,
      reused: rerun.reusedStepIds,
    }).toEqual({
      kind: old.kind,
      mcp,
      status: "SUCCEEDED",
      outputs: { done: true },
      inputs: { gate },
      rerunOf: old.id,
      reused: [],
    });
  });

  it("refuses a step the run does not have, a for_each item, an unknown run and a bad label, creating nothing", async () => {
    const mcp = uniqueName("each");
    await p.clients.registry.createMcp({ name: mcp, config: scriptConfig(GATE_SCRIPT, 60) });
    const open = join(dir, `open-${randomUUID()}`);
    writeFileSync(open, "open");
    const workflow = uniqueName("fan");
    await p.clients.workflows.createWorkflow({
      name: workflow,
      spec: {
        executionMode: ExecutionMode.SEQUENTIAL,
        inputs: [{ name: "list" }],
        steps: [
          {
            stepId: "fan",
            mcp: { mcp: { case: "name", value: mcp } },
            forEach: { source: { case: "workflowInput", value: "list" } },
            inputs: { gate: { source: { case: "item", value: "gate" } } },
          },
        ],
      },
    });
    const { run } = await p.clients.executor.executeWorkflow({
      workflow: { workflow: { case: "name", value: workflow } },
      inputs: { list: [{ gate: open }, { gate: open }] },
      wait: true,
      waitTimeoutSeconds: 120,
    });
    const old = await untilFinished(run!.id);
    expect(RunStatus[old.status]).toBe("SUCCEEDED");
    const before = await runCount();

    const missing = await expectCode(
      p.clients.executor.rerunRun({ runId: old.id, fromStepId: "nope" }),
      Code.InvalidArgument,
    );
    const fields = missing.findDetails(errorDetails.BadRequestSchema)[0]?.fieldViolations ?? [];
    expect(fields.map((f) => [f.field, f.description])).toEqual([
      ["from_step_id", 'the run has no step "nope"; its steps: "fan"'],
    ]);
    const item = await expectCode(
      p.clients.executor.rerunRun({ runId: old.id, fromStepId: "fan[1]" }),
      Code.InvalidArgument,
    );
    expect(item.rawMessage).toContain('"fan[1]" is an item of for_each step "fan", not a step of its own');
    const gone = await expectCode(p.clients.executor.rerunRun({ runId: randomUUID() }), Code.NotFound);
    expect(fieldsOf(gone)).toEqual(["run_id"]);
    await expectCode(p.clients.executor.rerunRun({ runId: "not-a-uuid" }), Code.InvalidArgument);
    await expectCode(
      p.clients.executor.rerunRun({ runId: old.id, resolveLabel: "Not A Label" }),
      Code.InvalidArgument,
    );
    expect(await runCount()).toBe(before);
    expect(await getRun(old.id)).toEqual(old);
  });
});

describe("RerunRun › across an executor crash", () => {
  const s = crashSuite("mcp-rerun-crash-");

  const lines = (tag: string) => {
    const file = join(s.dir, `${tag}.txt`);
    return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).length : 0;
  };

  it("a re-run resumed by another executor never runs its reused steps, nor its finished ones", async () => {
    const steady = uniqueName("crash-steady");
    const fragile = uniqueName("crash-fragile");
    await s.p.clients.registry.createMcp({ name: steady, config: scriptConfig(trailScript(true), 60) });
    await s.p.clients.registry.createMcp({ name: fragile, config: scriptConfig(trailScript(false), 60) });
    const counter = (id: string) => text(join(s.dir, `${id}.txt`));
    const trail = (from: string) => ({
      source: { case: "stepOutput" as const, value: { stepId: from, output: "trail" } },
    });
    const workflow = uniqueName("crash-chain");
    await s.p.clients.workflows.createWorkflow({
      name: workflow,
      spec: {
        executionMode: ExecutionMode.SEQUENTIAL,
        steps: [
          {
            stepId: "a",
            mcp: { mcp: { case: "name", value: steady } },
            inputs: { counter: counter("a"), tag: text("a") },
          },
          {
            stepId: "b",
            dependsOn: ["a"],
            mcp: { mcp: { case: "name", value: fragile } },
            inputs: { counter: counter("b"), tag: text("b"), trail: trail("a") },
          },
          {
            stepId: "c",
            dependsOn: ["b"],
            mcp: { mcp: { case: "name", value: steady } },
            // 10 s: a window in which even a loaded machine's polls see it running
            inputs: { counter: counter("c"), tag: text("c"), trail: trail("b"), seconds: text("10") },
          },
        ],
        outputs: [{ name: "trail", stepId: "c", output: "trail" }],
      },
    });
    const a = await spawnExecutor(
      executorEnv(s.p.db, s.p.registry.url, s.p.workflows.server.url, { SANDBOX_WRITE_PATHS: s.dir }),
    );
    s.children.push(a);
    const viaA = createClient(ExecutorService, createGrpcTransport({ baseUrl: a.url }));
    const { run: old } = await viaA.executeWorkflow({
      workflow: { workflow: { case: "name", value: workflow } },
      wait: true,
      waitTimeoutSeconds: 120,
    });
    expect(RunStatus[old!.status]).toBe("FAILED");
    await s.p.clients.registry.updateMcp({
      mcp: { case: "name", value: fragile },
      config: scriptConfig(trailScript(true), 60),
    });
    await s.p.clients.registry.setMcpLabel({
      mcp: { case: "name", value: fragile },
      label: "production",
      version: 2,
    });
    await s.p.clients.registry.setMcpLabel({
      mcp: { case: "name", value: steady },
      label: "production",
      version: 1,
    });

    const { run: started } = await viaA.rerunRun({
      runId: old!.id,
      fromStepId: "b",
      resolveLabel: "production",
    });
    await waitFor(
      "b to succeed and c to start on executor A",
      async () => {
        const { run } = await viaA.getRun({ id: started!.id });
        const b = run?.steps.find((s) => s.stepId === "b");
        return b?.status === StepStatus.SUCCEEDED && lines("c") === 1 ? true : undefined;
      },
      { timeoutMs: 60_000 },
    );
    await crashExecutor(a);

    const b = await s.p.addExecutor({ SANDBOX_WRITE_PATHS: s.dir });
    const viaB = createClient(ExecutorService, createGrpcTransport({ baseUrl: b.server.url }));
    const done = await waitFor(
      "the re-run to finish on executor B",
      async () => finished((await viaB.getRun({ id: started!.id })).run),
      { timeoutMs: 90_000, intervalMs: 100 },
    );
    expect([RunStatus[done.status], done.outputs, done.reusedStepIds]).toEqual([
      "SUCCEEDED",
      { trail: "abc" },
      ["a"],
    ]);
    // a: once, in the old run; b: failed once, then once in the re-run; c: interrupted, then again
    expect({ a: lines("a"), b: lines("b"), c: lines("c") }).toEqual({ a: 1, b: 2, c: 2 });
  });
});
