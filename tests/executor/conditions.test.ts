import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunStatus, StepStatus, type WorkflowRun } from "@mcp/proto/executor";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ExecutorService } from "@mcp/proto/executor";
import { cliAgainst, type CliResult } from "../support/cli";
import { exampleCopy } from "../support/examples";
import { crashSuite } from "../support/crash-suite";
import { crashExecutor } from "../support/kill-executor";
import { uniqueName } from "../support/mcps";
import { executorEnv, spawnExecutor, startPlatform, type TestPlatform } from "../support/platform";
import { input, spec, step, str } from "../support/run-specs";
import { COUNTER_SCRIPT, ECHO_SCRIPT, scriptConfig } from "../support/scripts";
import { waitFor } from "../support/wait-for";

/** `mcp apply -f FILE` with the real CLI against the platform under test; resolves with its output. */
const apply = (p: TestPlatform, file: string): Promise<CliResult> => cliAgainst(p, "apply", "-f", file);

const statuses = (run: WorkflowRun) =>
  Object.fromEntries(run.steps.map((s) => [s.stepId, StepStatus[s.status]]));

describe("conditions (when, run_if_skipped) against the real services", () => {
  let p: TestPlatform;
  let dir: string;
  const sfx = randomUUID().slice(0, 8);
  const workflow = `sentiment-reply-${sfx}`;

  beforeAll(async () => {
    p = await startPlatform();
    dir = await mkdtemp(join(tmpdir(), "mcp-conditions-"));
    const file = await exampleCopy("condition.yaml", dir, sfx, ["sentiment-reply"]);
    const applied = await apply(p, file);
    expect(applied).toMatchObject({ code: 0, stderr: "" });
    expect(applied.stdout).toContain(`created workflow/${workflow} v1`);
  });
  afterAll(async () => {
    await p?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function run(name: string, inputs: Record<string, string>): Promise<WorkflowRun> {
    const res = await p.clients.executor.executeWorkflow({
      workflow: { workflow: { case: "name", value: name } },
      inputs,
      wait: true,
      waitTimeoutSeconds: 150,
    });
    // the waiter's answer is what GetRun reads (skipped steps included)
    expect(res.run).toEqual((await p.clients.executor.getRun({ id: res.run!.id })).run);
    return res.run!;
  }

  it("examples/condition.yaml › keeps the `when` and `runIfSkipped` of the manifest", async () => {
    const got = await p.clients.workflows.getWorkflow({ workflow: { case: "name", value: workflow } });
    const steps = got.version?.spec?.steps ?? [];
    expect(steps.map((s) => [s.stepId, s.when, s.runIfSkipped])).toEqual([
      ["classify", "", false],
      ["cheer", 'steps.classify.outputs.label == "positive"', false],
      ["apologize", 'steps.classify.outputs.label != "positive"', false],
      ["reply", "", true],
    ]);
  });

  it("examples/condition.yaml › a positive text runs the cheer branch, skips the other, and the run SUCCEEDED", async () => {
    const r = await run(workflow, { text: "I love it, thanks" });
    expect(r.status).toBe(RunStatus.SUCCEEDED);
    expect(statuses(r)).toEqual({
      classify: "SUCCEEDED",
      cheer: "SUCCEEDED",
      apologize: "SKIPPED",
      reply: "SUCCEEDED",
    });
    const skipped = r.steps.find((s) => s.stepId === "apologize");
    expect(skipped?.error).toMatchObject({
      code: "CONDITION_FALSE",
      message: 'condition false: steps.classify.outputs.label != "positive"',
    });
    expect(skipped?.attempt).toBe(0);
    expect(r.outputs?.["reply"]).toBe("Glad you liked it! (I love it, thanks)");
    expect(r.outputs?.["label"]).toBe("positive");
    const reply = r.steps.find((s) => s.stepId === "reply");
    expect(reply?.inputs).toEqual({ cheer: "Glad you liked it! (I love it, thanks)", apology: null });
  });

  it("examples/condition.yaml › a negative text runs the other branch", async () => {
    const r = await run(workflow, { text: "it broke again" });
    expect(r.status).toBe(RunStatus.SUCCEEDED);
    expect(statuses(r)).toEqual({
      classify: "SUCCEEDED",
      cheer: "SKIPPED",
      apologize: "SUCCEEDED",
      reply: "SUCCEEDED",
    });
    expect(r.steps.find((s) => s.stepId === "cheer")?.error?.code).toBe("CONDITION_FALSE");
    expect(r.outputs?.["reply"]).toBe("Sorry to hear that. (it broke again)");
  });

  it("a skipped branch skips its dependents (no run_if_skipped); a condition that cannot be evaluated fails its step", async () => {
    const echo = uniqueName("echo");
    await p.clients.registry.createMcp({ name: echo, config: scriptConfig(ECHO_SCRIPT) });
    const name = uniqueName("cond");
    await p.clients.workflows.createWorkflow({
      name,
      spec: spec(
        [
          step("first", echo, { inputs: { text: input("mode") } }),
          step("never", echo, {
            dependsOn: ["first"],
            when: 'inputs.mode == "other"',
            inputs: { text: input("mode") },
          }),
          step("after", echo, { dependsOn: ["never"], inputs: { text: input("mode") } }),
        ],
        { inputs: [{ name: "mode", required: true }] },
      ),
    });
    const r = await run(name, { mode: "plain" });
    expect(r.status).toBe(RunStatus.SUCCEEDED);
    expect(statuses(r)).toEqual({ first: "SUCCEEDED", never: "SKIPPED", after: "SKIPPED" });
    expect(r.steps.find((s) => s.stepId === "after")?.error).toMatchObject({
      code: "UPSTREAM_CONDITION_FALSE",
      message: 'not run: it depends on step "never", which was skipped by a condition',
    });

    const broken = uniqueName("cond-error");
    await p.clients.workflows.createWorkflow({
      name: broken,
      spec: spec([step("a", echo, { when: "inputs.flag", inputs: { text: input("mode") } })], {
        inputs: [{ name: "mode", required: true }],
      }),
    });
    const failed = await run(broken, { mode: "x" });
    expect(failed.status).toBe(RunStatus.FAILED);
    expect(failed.error).toMatchObject({ code: "CONDITION_ERROR", stepId: "a" });
    expect(failed.error?.message).toContain("condition inputs.flag:");
    expect(failed.steps[0]?.status).toBe(StepStatus.FAILED);
  });

  it("ValidateWorkflow › reports a CEL syntax error and a type error with their positions", async () => {
    const echo = uniqueName("echo");
    await p.clients.registry.createMcp({ name: echo, config: scriptConfig(ECHO_SCRIPT) });
    const report = await p.clients.workflows.validateWorkflow({
      target: {
        case: "spec",
        value: spec([
          step("a", echo),
          step("b", echo, { dependsOn: ["a"], when: "steps.a.outputs.n > 2 &&" }),
          step("c", echo, { dependsOn: ["a"], when: 'steps.a.outputs.n + 1 == "x"' }),
          step("d", echo, { when: "steps.a.outputs.n > 1" }),
        ]),
      },
    });
    expect(report.valid).toBe(false);
    expect(
      report.violations.map((v) => ({ field: v.field, code: v.code, description: v.description })),
    ).toEqual([
      {
        field: "spec.steps[1].when",
        code: "CONDITION_SYNTAX_ERROR",
        description: "CEL syntax error at 1:23: found & but expecting end of input",
      },
      {
        field: "spec.steps[2].when",
        code: "CONDITION_TYPE_ERROR",
        description: "CEL type error at 1:23: no matching overload for '_==_' applied to (int, string)",
      },
      {
        field: "spec.steps[3].when",
        code: "CONDITION_STEP_NOT_UPSTREAM",
        description: expect.stringContaining(
          'CEL error at 1:6: steps.a: step "a" is not upstream',
        ) as unknown,
      },
    ]);
    // CreateWorkflow refuses the same spec with INVALID_ARGUMENT
    await expect(
      p.clients.workflows.createWorkflow({
        name: uniqueName("bad-cond"),
        spec: spec([step("a", echo, { when: "1 +" })]),
      }),
    ).rejects.toMatchObject({ rawMessage: expect.stringContaining("spec.steps[0].when") as unknown });
  });
});

describe("conditions across an executor crash", () => {
  const s = crashSuite("mcp-conditions-crash-");

  const runs = (file: string) =>
    existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).length : 0;

  it("a step skipped by its condition before the crash stays a condition skip: the run_if_skipped join still runs", async () => {
    const mcp = uniqueName("counter");
    await s.p.clients.registry.createMcp({ name: mcp, config: scriptConfig(COUNTER_SCRIPT, 60) });
    const file = (id: string) => join(s.dir, `${id}.txt`);
    const counter = (id: string, seconds: number) => ({
      counter: str(file(id)),
      seconds: str(String(seconds)),
    });
    const name = uniqueName("cond-crash");
    await s.p.clients.workflows.createWorkflow({
      name,
      spec: spec(
        [
          step("first", mcp, { inputs: counter("first", 0) }),
          step("never", mcp, {
            dependsOn: ["first"],
            when: 'inputs.mode == "other"',
            inputs: counter("never", 0),
          }),
          // 10 s: a window in which even a loaded machine's polls see it running
          step("slow", mcp, { dependsOn: ["first"], inputs: counter("slow", 10) }),
          step("join", mcp, { dependsOn: ["never", "slow"], runIfSkipped: true, inputs: counter("join", 0) }),
        ],
        { inputs: [{ name: "mode", required: true }] },
      ),
    });
    const a = await spawnExecutor(
      executorEnv(s.p.db, s.p.registry.url, s.p.workflows.server.url, { SANDBOX_WRITE_PATHS: s.dir }),
    );
    s.children.push(a);
    const viaA = createClient(ExecutorService, createGrpcTransport({ baseUrl: a.url }));
    const { run: started } = await viaA.executeWorkflow({
      workflow: { workflow: { case: "name", value: name } },
      inputs: { mode: "plain" },
    });
    const runId = started!.id;
    await waitFor(
      "`never` recorded SKIPPED and `slow` started on executor A",
      async () => {
        const { run } = await viaA.getRun({ id: runId });
        const never = run?.steps.find((s) => s.stepId === "never");
        return never?.status === StepStatus.SKIPPED && runs(file("slow")) === 1 ? true : undefined;
      },
      { timeoutMs: 60_000 },
    );
    await crashExecutor(a);

    const b = await s.p.addExecutor({ SANDBOX_WRITE_PATHS: s.dir });
    const viaB = createClient(ExecutorService, createGrpcTransport({ baseUrl: b.server.url }));
    const finished = await waitFor(
      "the run to finish on executor B",
      async () => {
        const { run } = await viaB.getRun({ id: runId });
        return run && run.status !== RunStatus.RUNNING && run.status !== RunStatus.PENDING ? run : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 100 },
    );
    expect(RunStatus[finished.status]).toBe("SUCCEEDED");
    expect(finished.steps.map((s) => [s.stepId, StepStatus[s.status], s.error?.code ?? ""])).toEqual([
      ["first", "SUCCEEDED", ""],
      ["never", "SKIPPED", "CONDITION_FALSE"],
      ["slow", "SUCCEEDED", ""],
      ["join", "SUCCEEDED", ""],
    ]);
    expect({ first: runs(file("first")), never: runs(file("never")), join: runs(file("join")) }).toEqual({
      first: 1,
      never: 0,
      join: 1,
    });
  });
});
