import { create } from "@bufbuild/protobuf";
import type { NewRun, RunQueries, RunStore, StepRunEntity, WorkflowRunEntity } from "@mcp/db";
import { McpConfigSchema, McpReferenceSchema, McpType } from "@mcp/proto/registry";
import { StepSchema, WorkflowReferenceSchema, WorkflowSpecSchema } from "@mcp/proto/workflows";
import type { Definitions, Resolver } from "../definitions/definitions.js";
import type { PinnedMcp } from "../step/index.js";
import { decodePlan } from "./plan-codec.js";
import { RunStarter, type Started } from "./run-starter.js";

const WORKSPACE = "default";

const upper: PinnedMcp = {
  id: "00000000-0000-4000-8000-00000000000a",
  name: "upper",
  version: 4,
  type: McpType.PYTHON_SCRIPT,
  config: create(McpConfigSchema, {
    kind: { case: "pythonScript", value: { source: { case: "scriptContent", value: "print(1)" } } },
  }),
};

const calls = create(McpReferenceSchema, { mcp: { case: "name", value: "upper" } });
const spec = create(WorkflowSpecSchema, {
  inputs: [{ name: "text", required: true }],
  steps: [
    create(StepSchema, { stepId: "a", mcp: calls }),
    create(StepSchema, { stepId: "b", mcp: calls, dependsOn: ["a"] }),
  ],
});
const resolver: Resolver = {
  workflow: () =>
    Promise.resolve({ id: "00000000-0000-4000-8000-0000000000f0", name: "wf", version: 1, spec }),
  mcp: () => Promise.resolve(upper),
};
const byName = create(WorkflowReferenceSchema, { workflow: { case: "name", value: "wf" } });

const throughJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * A run store and its queries in memory; a run comes back as PostgreSQL would give it: its plan and
 * inputs through JSON (jsonb), so never the objects the starter handed over.
 */
function memoryRuns(
  options: {
    refuseAudit?: boolean;
    /** The definitions as of now (default: {@link resolver} at once). */
    current?: () => Promise<Resolver>;
    /** Called as a request id is looked up, before the lookup answers. */
    lookingUp?: () => Promise<void>;
  } = {},
) {
  const runs = new Map<string, { run: WorkflowRunEntity; steps: StepRunEntity[] }>();
  /** The audit events creations carried, by run id. */
  const audits = new Map<string, NewRun["audit"]>();
  const store = {
    create: (input: NewRun) => {
      // the columns the starter reads back; the claim's are not this spec's business
      const run = {
        ...input.run,
        inputs: throughJson(input.run.inputs),
        plan: throughJson(input.run.plan),
      } as WorkflowRunEntity;
      runs.set(run.id, { run, steps: input.steps.map((step) => ({ ...step })) });
      const audited = input.audit !== undefined && !options.refuseAudit;
      if (audited) audits.set(run.id, input.audit);
      return Promise.resolve({ run, created: true, audited });
    },
  };
  const queries = {
    findByRequestId: async (_workspace: string, requestId: string) => {
      await options.lookingUp?.();
      return [...runs.values()].find(({ run }) => run.requestId === requestId)?.run ?? null;
    },
    runWithSteps: (_workspace: string, id: string) => Promise.resolve(runs.get(id) ?? null),
  };
  const starter = new RunStarter(
    { current: options.current ?? (() => Promise.resolve(resolver)) } as unknown as Definitions,
    store as unknown as RunStore,
    queries as unknown as RunQueries,
  );
  return { runs, audits, starter };
}

/** A call's audit as the audit interceptor offers it: its record, and whether it was written. */
function callAudit(method: string) {
  const audit = {
    written: 0,
    offer: {
      record: () => ({
        eventTime: new Date(),
        workspace: WORKSPACE,
        actorKind: "key",
        actorId: "k",
        actor: "ci",
        service: "mcp.executor.v1.ExecutorService",
        method,
        target: "wf",
        outcome: "OK",
        requestId: "call-1",
      }),
      written: () => void (audit.written += 1),
    },
  };
  return audit;
}

/** `started`'s plan, checked to be what a claiming executor would decode from the stored run. */
function planOf(started: Started) {
  expect(started.plan).toEqual(decodePlan(started.run));
  // the run's inputs as stored (as a resume reads them), not as given
  expect(started.plan?.plan.inputs).toBe(started.run.inputs);
  return started.plan;
}

describe("RunStarter: the plan of a run created here", () => {
  it("a workflow run comes back with the pinned plan itself (not decoded again), equal to its stored plan decoded", async () => {
    const { starter } = memoryRuns();
    const started = await starter.workflow(WORKSPACE, byName, { text: "hi" }, "req-1");
    const plan = planOf(started);
    expect(plan?.plan.spec).toBe(spec);
    expect(plan?.plan.mcps.get("b")).toBe(upper);
    expect(plan?.recordedAtCreate).toBe(false);
  });

  it("a single-MCP run comes back with its one-step plan", async () => {
    const { starter } = memoryRuns();
    const started = await starter.mcp(WORKSPACE, calls, { text: "hi" }, "req-2");
    expect(planOf(started)?.plan.mcps.get("mcp")).toBe(upper);
  });

  it("a re-run comes back with its plan, saying steps were recorded at creation", async () => {
    const { runs, starter } = memoryRuns();
    const old = (await starter.workflow(WORKSPACE, byName, { text: "hi" }, "req-3")).run;
    const recorded = runs.get(old.id)!;
    recorded.run.status = "succeeded";
    for (const step of recorded.steps) Object.assign(step, { status: "succeeded", outputs: { ok: true } });
    const rerun = await starter.rerun(WORKSPACE, old.id, "b", "", "req-4");
    expect(planOf(rerun)?.recordedAtCreate).toBe(true);
    expect(runs.get(rerun.run.id)?.steps.map((s) => [s.stepId, s.status])).toEqual([
      ["a", "succeeded"],
      ["b", "pending"],
    ]);
  });

  it("a run found again by its request id comes back without a plan: whoever drives it decodes the stored one", async () => {
    const { starter } = memoryRuns();
    const first = await starter.workflow(WORKSPACE, byName, { text: "hi" }, "req-5");
    const again = await starter.workflow(WORKSPACE, byName, { text: "hi" }, "req-5");
    expect([again.run.id, again.created, again.plan]).toEqual([first.run.id, false, undefined]);
  });
});

describe("RunStarter.forCall: the call's audit record rides with the run's creation (docs/adr/035)", () => {
  it("a created run carries the record to the store, and the call is told it was written", async () => {
    const { audits, starter } = memoryRuns();
    const audit = callAudit("ExecuteWorkflow");
    const started = await starter.forCall(audit.offer).workflow(WORKSPACE, byName, { text: "hi" }, "req-6");
    expect(audits.get(started.run.id)).toMatchObject({
      method: "ExecuteWorkflow",
      outcome: "OK",
      actor: "ci",
    });
    expect(audit.written).toBe(1);
    const single = callAudit("RunMcp");
    const mcp = await starter.forCall(single.offer).mcp(WORKSPACE, calls, { text: "hi" }, "req-7");
    expect(audits.get(mcp.run.id)).toMatchObject({ method: "RunMcp" });
    expect(single.written).toBe(1);
  });

  it("a request found again creates nothing and carries nothing: the interceptor records that call", async () => {
    const { audits, starter } = memoryRuns();
    await starter.workflow(WORKSPACE, byName, { text: "hi" }, "req-8");
    const audit = callAudit("ExecuteWorkflow");
    const again = await starter.forCall(audit.offer).workflow(WORKSPACE, byName, { text: "hi" }, "req-8");
    expect(again.created).toBe(false);
    expect(audits.size).toBe(0);
    expect(audit.written).toBe(0);
  });

  it("a run the store created without the record (it was refused) leaves the record to the interceptor", async () => {
    const { starter } = memoryRuns({ refuseAudit: true });
    const audit = callAudit("ExecuteWorkflow");
    const started = await starter.forCall(audit.offer).workflow(WORKSPACE, byName, { text: "hi" }, "req-9");
    expect(started.created).toBe(true);
    expect(audit.written).toBe(0);
  });

  it("the starter the app holds carries no record: runs it starts on its own (children, fallbacks, schedules) have none", async () => {
    const { audits, starter } = memoryRuns();
    expect(starter.forCall(undefined)).toBe(starter);
    await starter.workflow(WORKSPACE, byName, { text: "hi" }, "req-10");
    expect(audits.size).toBe(0);
  });
});

describe("RunStarter: a request with an id", () => {
  it("looks for its earlier run and reads the definitions at once, not one after the other", async () => {
    const order: string[] = [];
    let answerLookup!: () => void;
    const { starter } = memoryRuns({
      current: () => {
        order.push("definitions read");
        return Promise.resolve(resolver);
      },
      lookingUp: () => {
        order.push("lookup sent");
        return new Promise<void>((resolve) => (answerLookup = resolve));
      },
    });
    const started = starter.workflow(WORKSPACE, byName, { text: "hi" }, "req-11");
    // the lookup has not answered, and the definitions are being read already
    await waitUntil(() => order.length === 2);
    expect(order.sort()).toEqual(["definitions read", "lookup sent"]);
    answerLookup();
    expect((await started).created).toBe(true);
  });

  it("a repeated request gets its run even when the definitions cannot be read now", async () => {
    let readable = true;
    const { starter } = memoryRuns({
      current: () => (readable ? Promise.resolve(resolver) : Promise.reject(new Error("registry away"))),
    });
    const first = await starter.workflow(WORKSPACE, byName, { text: "hi" }, "req-12");
    readable = false;
    const again = await starter.workflow(WORKSPACE, byName, { text: "hi" }, "req-12");
    expect([again.run.id, again.created]).toEqual([first.run.id, false]);
    // a new request needs them, and says why it could not start
    await expect(starter.workflow(WORKSPACE, byName, { text: "hi" }, "req-13")).rejects.toThrow(
      "registry away",
    );
  });

  it("a request id reused for another request is refused whatever the definitions do", async () => {
    const { starter } = memoryRuns();
    await starter.workflow(WORKSPACE, byName, { text: "hi" }, "req-14");
    await expect(starter.workflow(WORKSPACE, byName, { text: "other" }, "req-14")).rejects.toThrow(
      "started with this request_id for a different request",
    );
  });

  it("only a run with a request id stores the request's fingerprint: one without is never compared", async () => {
    const { starter } = memoryRuns();
    const fingerprint = async (started: Promise<Started>) =>
      ((await started).run.plan as { requestHash?: string }).requestHash;
    const withId = await fingerprint(starter.workflow(WORKSPACE, byName, { text: "hi" }, "req-15"));
    expect(withId).toMatch(/^[0-9a-f]{64}$/);
    // the same request under another id: the same fingerprint, so it does not depend on the id
    expect(await fingerprint(starter.workflow(WORKSPACE, byName, { text: "hi" }, "req-16"))).toBe(withId);
    expect(await fingerprint(starter.workflow(WORKSPACE, byName, { text: "hi" }, ""))).toBe("");
    expect(await fingerprint(starter.mcp(WORKSPACE, calls, { text: "hi" }, ""))).toBe("");
    expect(await fingerprint(starter.mcp(WORKSPACE, calls, { text: "hi" }, "req-17"))).toMatch(
      /^[0-9a-f]{64}$/,
    );
  });
});

/** Resolves once `done()` holds, checking after each turn of the event loop. */
async function waitUntil(done: () => boolean): Promise<void> {
  for (let turn = 0; !done(); turn++) {
    if (turn > 1000) throw new Error("the condition never held");
    await new Promise((resolve) => setImmediate(resolve));
  }
}
