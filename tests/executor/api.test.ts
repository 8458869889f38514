import { Code, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ExecutorService, RunKind, RunStatus, StepStatus, type RunEvent } from "@mcp/proto/executor";
import { ExecutionMode } from "@mcp/proto/workflows";
import { Client as PgClient } from "pg";
import { expectCode } from "../support/errors";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { input, spec, step } from "../support/run-specs";
import { ECHO_SCRIPT, SLEEP_SCRIPT, scriptConfig } from "../support/scripts";
import { waitFor } from "../support/wait-for";

describe("ExecutorService API", () => {
  let p: TestPlatform;
  const echo = uniqueName("echo");
  const sleep = uniqueName("sleep");
  const workflow = uniqueName("greet");
  const slow = uniqueName("slow");

  beforeAll(async () => {
    p = await startPlatform();
    await p.clients.registry.createMcp({ name: echo, config: scriptConfig(ECHO_SCRIPT) });
    await p.clients.registry.createMcp({ name: sleep, config: scriptConfig(SLEEP_SCRIPT) });
    await p.clients.workflows.createWorkflow({
      name: workflow,
      spec: spec([step("echo", echo, { inputs: { text: input("text") } })], {
        inputs: [
          { name: "text", required: true },
          { name: "mood", defaultValue: { kind: { case: "stringValue", value: "calm" } } },
        ],
        outputs: [{ name: "said", stepId: "echo", output: "text" }],
      }),
    });
    await p.clients.workflows.createWorkflow({
      name: slow,
      spec: spec(
        [
          step("nap", sleep, { inputs: { seconds: input("seconds") } }),
          step("after", echo, { dependsOn: ["nap"], inputs: { text: input("seconds") } }),
        ],
        {
          inputs: [{ name: "seconds", required: true }],
          executionMode: ExecutionMode.SEQUENTIAL,
        },
      ),
    });
  });
  afterAll(async () => {
    await p.stop();
  });

  const ref = (name: string) => ({ workflow: { case: "name" as const, value: name } });

  it("ExecuteWorkflow › returns a PENDING run at once without wait, which then runs to SUCCEEDED", async () => {
    const res = await p.clients.executor.executeWorkflow({ workflow: ref(workflow), inputs: { text: "hi" } });
    expect([RunStatus.PENDING, RunStatus.RUNNING]).toContain(res.run?.status);
    expect(res.run?.inputs).toEqual({ text: "hi", mood: "calm" });
    const done = await p.clients.executor.executeWorkflow({
      workflow: ref(workflow),
      inputs: { text: "hi" },
      wait: true,
    });
    expect(done.run?.status).toBe(RunStatus.SUCCEEDED);
    expect(done.run?.outputs).toEqual({ said: "hi" });
  });

  it("ExecuteWorkflow › with wait, answers with the run exactly as GetRun shows it after its end (its steps included)", async () => {
    // driven here: the run-end statement returns the run and its steps, and the answer is built from them
    const done = await p.clients.executor.executeWorkflow({
      workflow: ref(slow),
      inputs: { seconds: "0" },
      wait: true,
    });
    expect(done.run?.status).toBe(RunStatus.SUCCEEDED);
    expect(done.run?.steps.map((s) => [s.stepId, s.status])).toEqual([
      ["nap", StepStatus.SUCCEEDED],
      ["after", StepStatus.SUCCEEDED],
    ]);
    expect(done.run).toEqual((await p.clients.executor.getRun({ id: done.run!.id })).run);
  });

  it("ExecuteWorkflow › returns INVALID_ARGUMENT naming missing and unknown inputs, and creates no run", async () => {
    const before = (await p.clients.executor.listRuns({ filter: { workflow } })).runs.length;
    const err = await expectCode(
      p.clients.executor.executeWorkflow({ workflow: ref(workflow), inputs: { txt: "typo" } }),
      Code.InvalidArgument,
    );
    expect(err.rawMessage).toContain("inputs.txt");
    expect(err.rawMessage).toContain("inputs.text");
    expect((await p.clients.executor.listRuns({ filter: { workflow } })).runs.length).toBe(before);
  });

  it("ExecuteWorkflow › returns NOT_FOUND for an unknown workflow or version", async () => {
    await expectCode(
      p.clients.executor.executeWorkflow({ workflow: ref(uniqueName("nope")) }),
      Code.NotFound,
    );
    await expectCode(
      p.clients.executor.executeWorkflow({
        workflow: { ...ref(workflow), version: 9 },
        inputs: { text: "x" },
      }),
      Code.NotFound,
    );
  });

  it("ExecuteWorkflow › returns the same run for the same request_id, never a second one", async () => {
    const requestId = uniqueName("req");
    const first = await p.clients.executor.executeWorkflow({
      workflow: ref(workflow),
      inputs: { text: "once" },
      requestId,
    });
    const again = await Promise.all(
      [1, 2, 3].map(() =>
        p.clients.executor.executeWorkflow({ workflow: ref(workflow), inputs: { text: "once" }, requestId }),
      ),
    );
    expect(first.created).toBe(true);
    expect(again.map((r) => [r.run?.id, r.created])).toEqual([1, 2, 3].map(() => [first.run?.id, false]));
    const runs = await p.clients.executor.listRuns({ filter: { workflow }, pageSize: 500 });
    expect(runs.runs.filter((r) => r.requestId === requestId)).toHaveLength(1);
    // same key, different request → ALREADY_EXISTS
    await expectCode(
      p.clients.executor.executeWorkflow({ workflow: ref(workflow), inputs: { text: "other" }, requestId }),
      Code.AlreadyExists,
    );
  });

  it("WatchRun › streams the current state first, then every event in order until the run ends", async () => {
    const res = await p.clients.executor.executeWorkflow({ workflow: ref(slow), inputs: { seconds: 0.5 } });
    const events: RunEvent[] = [];
    for await (const msg of p.clients.executor.watchRun({ id: res.run!.id })) events.push(msg.event!);
    expect(events[0]?.event.case).toBe("runSnapshot");
    const seqs = events.map((e) => e.sequence);
    expect([...seqs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(seqs);
    const last = events[events.length - 1]!;
    const finalStatus =
      last.event.case === "runStatus"
        ? last.event.value.status
        : last.event.case === "runSnapshot"
          ? last.event.value.status
          : undefined;
    expect(finalStatus).toBe(RunStatus.SUCCEEDED);
    // every step transition after the snapshot is seen, in dependency order
    const stepEvents = events.flatMap((e) =>
      e.event.case === "stepUpdated" ? [[e.event.value.stepId, StepStatus[e.event.value.status]]] : [],
    );
    const snapshotSteps = events[0]!.event.case === "runSnapshot" ? events[0]!.event.value.steps : [];
    if (snapshotSteps.every((s) => s.status === StepStatus.PENDING)) {
      // A step's "running" row is written once it has run EXECUTOR_START_WRITE_DELAY_MS (50 ms): the
      // half-second nap always shows it; the quick step may go straight to SUCCEEDED.
      const afterShowedRunning = stepEvents.some(([id, status]) => id === "after" && status === "RUNNING");
      expect(stepEvents).toEqual([
        ["nap", "RUNNING"],
        ["nap", "SUCCEEDED"],
        ...(afterShowedRunning ? [["after", "RUNNING"]] : []),
        ["after", "SUCCEEDED"],
      ]);
    } else {
      expect(stepEvents[stepEvents.length - 1]).toEqual(["after", "SUCCEEDED"]);
    }
  });

  it("WatchRun › ends at once with the snapshot of a finished run; NOT_FOUND for an unknown run", async () => {
    const done = await p.clients.executor.executeWorkflow({
      workflow: ref(workflow),
      inputs: { text: "w" },
      wait: true,
    });
    const events: RunEvent[] = [];
    for await (const msg of p.clients.executor.watchRun({ id: done.run!.id })) events.push(msg.event!);
    expect(events).toHaveLength(1);
    expect(events[0]?.event.case === "runSnapshot" && events[0].event.value.status).toBe(RunStatus.SUCCEEDED);
    const missing = (async () => {
      for await (const _ of p.clients.executor.watchRun({ id: "00000000-0000-4000-8000-000000000000" }))
        void _;
    })();
    await expectCode(missing, Code.NotFound);
  });

  /** Starts the slow workflow and waits until its first step runs; returns the run id. */
  const startSlowRun = async (): Promise<string> => {
    const res = await p.clients.executor.executeWorkflow({ workflow: ref(slow), inputs: { seconds: 60 } });
    const id = res.run!.id;
    await waitFor(
      "the first step to run",
      async () =>
        (await p.clients.executor.getRun({ id })).run?.steps[0]?.status === StepStatus.RUNNING || undefined,
      { timeoutMs: 60_000 },
    );
    return id;
  };
  const cancelledRun = (id: string) =>
    waitFor(
      "the run to end CANCELLED",
      async () => {
        const run = (await p.clients.executor.getRun({ id })).run!;
        return run.status === RunStatus.CANCELLED ? run : undefined;
      },
      { timeoutMs: 60_000 },
    );

  it("CancelRun › stops the running step (kills the process) and ends the run CANCELLED with the caller's reason", async () => {
    const id = await startSlowRun();
    const started = Date.now();
    await p.clients.executor.cancelRun({ id, reason: "changed my mind" });
    const run = await cancelledRun(id);
    // the step sleeps 60 s: ending well before that means its process was stopped
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(run.error).toMatchObject({ code: "CANCELLED", message: "changed my mind" });
    expect(run.steps.map((s) => StepStatus[s.status])).toEqual(["CANCELLED", "CANCELLED"]);
    const events: RunEvent[] = [];
    for await (const msg of p.clients.executor.watchRun({ id })) events.push(msg.event!);
    const snapshot = events[0]?.event;
    expect(snapshot?.case === "runSnapshot" && snapshot.value.error?.message).toBe("changed my mind");
  }, 180_000);

  it("CancelRun › through another replica: the driving executor sees the request and keeps the reason", async () => {
    const id = await startSlowRun();
    const other = await p.addExecutor();
    const client = createClient(ExecutorService, createGrpcTransport({ baseUrl: other.server.url }));
    const res = await client.cancelRun({ id, reason: "asked on replica 2" });
    expect(res.run?.status).toBe(RunStatus.RUNNING); // still stopping: its driver is on replica 1
    const run = await cancelledRun(id);
    expect(run.error).toMatchObject({ code: "CANCELLED", message: "asked on replica 2" });
    // a second request is answered with the run as it is, the first reason kept
    const again = await client.cancelRun({ id, reason: "again" });
    expect(again.run?.status).toBe(RunStatus.CANCELLED);
    expect(again.run?.error?.message).toBe("asked on replica 2");
  }, 180_000);

  it("CancelRun › answers FAILED_PRECONDITION for a run that finished otherwise, and changes nothing", async () => {
    const done = await p.clients.executor.executeWorkflow({
      workflow: ref(workflow),
      inputs: { text: "done" },
      wait: true,
    });
    expect(done.run?.status).toBe(RunStatus.SUCCEEDED);
    const err = await expectCode(
      p.clients.executor.cancelRun({ id: done.run!.id, reason: "too late" }),
      Code.FailedPrecondition,
    );
    expect(err.rawMessage).toContain("already finished");
    const after = (await p.clients.executor.getRun({ id: done.run!.id })).run!;
    expect(after.status).toBe(RunStatus.SUCCEEDED);
    expect(after.error).toBeUndefined();
  });

  it("RunMcp › runs one MCP alone and records it as a one-step run", async () => {
    const res = await p.clients.executor.runMcp({
      mcp: { mcp: { case: "name", value: echo } },
      inputs: { text: "solo" },
      wait: true,
    });
    expect(res.run?.kind).toBe(RunKind.MCP);
    expect(res.run?.status).toBe(RunStatus.SUCCEEDED);
    expect(res.run?.outputs).toEqual({ text: "solo" });
    expect(res.run?.mcpName).toBe(echo);
    expect(res.run?.steps).toHaveLength(1);
    const listed = await p.clients.executor.listRuns({ filter: { kind: RunKind.MCP } });
    expect(listed.runs.map((r) => r.id)).toContain(res.run?.id);
    await expectCode(
      p.clients.executor.runMcp({ mcp: { mcp: { case: "name", value: uniqueName("ghost") } } }),
      Code.NotFound,
    );
  });

  it("the last step's success commits in its run end's transaction, an earlier step's in its own (ADR 031)", async () => {
    const pg = new PgClient({ connectionString: p.db.url });
    await pg.connect();
    /** The transaction that wrote each row as it is now (its `xmin`). */
    const writers = async (runId: string) => {
      const run = await pg.query<{ xmin: string }>("SELECT xmin::text FROM workflow_runs WHERE id = $1", [
        runId,
      ]);
      const steps = await pg.query<{ step_id: string; xmin: string }>(
        "SELECT step_id, xmin::text FROM step_runs WHERE run_id = $1 ORDER BY position",
        [runId],
      );
      return {
        run: run.rows[0]?.xmin,
        steps: Object.fromEntries(steps.rows.map((r) => [r.step_id, r.xmin])),
      };
    };
    try {
      const done = await p.clients.executor.executeWorkflow({
        workflow: ref(slow),
        inputs: { seconds: "0" },
        wait: true,
      });
      expect(done.run?.status).toBe(RunStatus.SUCCEEDED);
      expect(done.run?.steps.map((s) => [s.stepId, StepStatus[s.status], s.outputs !== undefined])).toEqual([
        ["nap", "SUCCEEDED", true],
        ["after", "SUCCEEDED", true],
      ]);
      const workflowRun = await writers(done.run!.id);
      expect(workflowRun.run).toBeDefined();
      expect(workflowRun.steps["after"]).toBe(workflowRun.run);
      expect(workflowRun.steps["nap"]).not.toBe(workflowRun.run);
      // what the answer showed is what was committed, the step's duration included
      const read = (await p.clients.executor.getRun({ id: done.run!.id })).run;
      expect(read?.steps.map((s) => [s.stepId, s.duration?.seconds, s.duration?.nanos])).toEqual(
        done.run?.steps.map((s) => [s.stepId, s.duration?.seconds, s.duration?.nanos]),
      );

      const solo = await p.clients.executor.runMcp({
        mcp: { mcp: { case: "name", value: echo } },
        inputs: { text: "one statement" },
        wait: true,
      });
      expect(solo.run?.outputs).toEqual({ text: "one statement" });
      const mcpRun = await writers(solo.run!.id);
      expect(Object.values(mcpRun.steps)).toEqual([mcpRun.run]);
    } finally {
      await pg.end();
    }
  });

  it("ListRuns › filters by workflow and status and pages newest first without gaps", async () => {
    const name = uniqueName("listed");
    await p.clients.workflows.createWorkflow({
      name,
      spec: spec([step("echo", echo, { inputs: { text: input("text") } })], { inputs: [{ name: "text" }] }),
    });
    const ids: string[] = [];
    for (let i = 0; i < 7; i++)
      ids.push(
        (
          await p.clients.executor.executeWorkflow({
            workflow: ref(name),
            inputs: { text: `n${i}` },
            wait: true,
          })
        ).run!.id,
      );
    const seen: string[] = [];
    let token = "";
    do {
      const page = await p.clients.executor.listRuns({
        filter: { workflow: name, statuses: [RunStatus.SUCCEEDED] },
        pageSize: 3,
        pageToken: token,
      });
      seen.push(...page.runs.map((r) => r.id));
      token = page.nextPageToken;
    } while (token);
    expect(seen).toEqual([...ids].reverse());
    expect(
      (await p.clients.executor.listRuns({ filter: { workflow: name, statuses: [RunStatus.FAILED] } })).runs,
    ).toEqual([]);
    // time range: [created_after, created_before)
    const fourth = (await p.clients.executor.getRun({ id: ids[3]! })).run!.createTime;
    const after = await p.clients.executor.listRuns({ filter: { workflow: name, createdAfter: fourth } });
    expect(after.runs.map((r) => r.id)).toEqual(ids.slice(3).reverse());
    const before = await p.clients.executor.listRuns({ filter: { workflow: name, createdBefore: fourth } });
    expect(before.runs.map((r) => r.id)).toEqual(ids.slice(0, 3).reverse());
  });

  it("validates requests: a malformed run id is INVALID_ARGUMENT, an unknown one NOT_FOUND", async () => {
    await expectCode(p.clients.executor.getRun({ id: "x" }), Code.InvalidArgument);
    await expectCode(
      p.clients.executor.getRun({ id: "00000000-0000-4000-8000-000000000000" }),
      Code.NotFound,
    );
    await expectCode(
      p.clients.executor.cancelRun({ id: "00000000-0000-4000-8000-000000000000" }),
      Code.NotFound,
    );
  });
});
