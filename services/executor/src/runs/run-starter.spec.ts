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
function memoryRuns() {
  const runs = new Map<string, { run: WorkflowRunEntity; steps: StepRunEntity[] }>();
  const store = {
    create: (input: NewRun) => {
      // the columns the starter reads back; the claim's are not this spec's business
      const run = {
        ...input.run,
        inputs: throughJson(input.run.inputs),
        plan: throughJson(input.run.plan),
      } as WorkflowRunEntity;
      runs.set(run.id, { run, steps: input.steps.map((step) => ({ ...step })) });
      return Promise.resolve({ run, created: true });
    },
  };
  const queries = {
    findByRequestId: (_workspace: string, requestId: string) =>
      Promise.resolve([...runs.values()].find(({ run }) => run.requestId === requestId)?.run ?? null),
    runWithSteps: (_workspace: string, id: string) => Promise.resolve(runs.get(id) ?? null),
  };
  const starter = new RunStarter(
    { current: () => Promise.resolve(resolver) } as unknown as Definitions,
    store as unknown as RunStore,
    queries as unknown as RunQueries,
  );
  return { runs, starter };
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
