import type { RunQueries, RunWithSteps, StepRunEntity, WorkflowRunEntity } from "@mcp/db";
import { RunStatus } from "@mcp/proto/executor";
import type { Definitions } from "../definitions/definitions.js";
import { RunReader } from "./run-reader.js";
import type { RunEndSubscription, RunWatcher } from "./run-watcher.js";

const run = (status: string) =>
  ({
    id: "r1",
    kind: "workflow",
    workspace: "default",
    status,
    inputs: { x: 1 },
    outputs: status === "succeeded" ? { y: 2 } : null,
    error: null,
    createdAt: new Date(0),
    startedAt: new Date(1),
    finishedAt: status === "succeeded" ? new Date(2) : null,
    concurrencyKey: null,
    plan: {},
  }) as unknown as WorkflowRunEntity;
const step = {
  id: "s-row",
  stepId: "s",
  status: "succeeded",
  attempt: 1,
  parentStepRunId: null,
  durationMs: 3,
  usage: null,
  stdout: "",
  stderr: "",
} as unknown as StepRunEntity;

/** A reader whose database holds `stored`, counting its reads, and a wait to which the run's end statement handed `ended`. */
function reader(stored: WorkflowRunEntity, ended: RunWithSteps | undefined) {
  const reads = { count: 0 };
  const queries = {
    runWithSteps: () => {
      reads.count += 1;
      return Promise.resolve({ run: stored, steps: [step] });
    },
  } as unknown as RunQueries;
  const subscription = {
    // the run's end was heard
    untilEnd: () => Promise.resolve(),
  } as unknown as RunEndSubscription;
  const subject = new RunReader(queries, {} as RunWatcher, {} as Definitions);
  const wait = () =>
    subject.waitForEnd("default", "r1", 1_000, new AbortController().signal, {
      subscription,
      ended: () => ended,
    });
  return { reads, wait };
}

/** A reader whose run is still running, and a subscription whose events end only when their signal aborts. */
function waiting() {
  const reads = { count: 0 };
  const queries = {
    runWithSteps: () => {
      reads.count += 1;
      return Promise.resolve({ run: run("running"), steps: [step] });
    },
  } as unknown as RunQueries;
  const subscription = {
    untilEnd: (signal: AbortSignal) =>
      new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        signal.addEventListener("abort", () => resolve(), { once: true });
      }),
  } as unknown as RunEndSubscription;
  return { reads, subscription, subject: new RunReader(queries, {} as RunWatcher, {} as Definitions) };
}

describe("RunReader.waitForEnd", () => {
  it("answers a run whose end statement returned it (ADR 029) as that statement left it, without reading it back", async () => {
    const { reads, wait } = reader(run("running"), { run: run("succeeded"), steps: [step] });
    const answer = await wait();
    expect(reads.count).toBe(0);
    expect(answer.status).toBe(RunStatus.SUCCEEDED);
    expect(answer.outputs).toEqual({ y: 2 });
    expect(answer.steps.map((s) => s.stepId)).toEqual(["s"]);
  });

  it("reads the run back when its end was not handed over (driven elsewhere, or a lost fence)", async () => {
    const { reads, wait } = reader(run("succeeded"), undefined);
    const answer = await wait();
    expect(reads.count).toBe(1);
    expect(answer.status).toBe(RunStatus.SUCCEEDED);
  });

  it("gives up waiting after the timeout, or when the caller's signal aborts, and answers the run as it is", async () => {
    const { reads, subscription, subject } = waiting();
    const started = Date.now();
    const late = await subject.waitForEnd("default", "r1", 30, new AbortController().signal, {
      subscription,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(late.status).toBe(RunStatus.RUNNING);
    const caller = new AbortController();
    const gone = subject.waitForEnd("default", "r1", 60_000, caller.signal, {
      subscription,
    });
    caller.abort();
    expect((await gone).status).toBe(RunStatus.RUNNING);
    expect(reads.count).toBe(2);
  });
});
