import { runPlan } from "../scheduler.js";
import type { EngineOptions, RecordedStep, RunOutcome, RunPlan } from "../types.js";
import type { PermitPort } from "../permits.js";
import type { SubWorkflowPort } from "../sub-workflow.js";
import type { EngineResult, WaitPort } from "../waiting.js";
import { MemoryRecorder } from "./recorder.js";
import { FakeRunners } from "./runners.js";

/** A run started against fakes, with handles to drive and inspect it. */
export interface StartedRun {
  readonly outcome: Promise<RunOutcome>;
  /** What runPlan returned, a parked run included (`outcome` rejects for one). */
  readonly result: Promise<EngineResult>;
  readonly recorder: MemoryRecorder;
  readonly runners: FakeRunners;
  /** Aborting it cancels the run. */
  readonly cancel: AbortController;
  /** Every `options.sleep` delay asked for, in order. */
  readonly sleeps: number[];
}

/** Setup of {@link startRun}; every field has a default. */
export interface RunSetup {
  readonly recorded?: readonly RecordedStep[];
  readonly runners?: FakeRunners;
  readonly recorder?: MemoryRecorder;
  /** Replaces the default instant sleep / mid-range random. */
  readonly options?: EngineOptions;
  /** For waiting steps (waiting.ts); and the run's start, for their run timeout. */
  readonly waits?: WaitPort;
  readonly startedAt?: Date;
  /** For sub-workflow steps (sub-workflow.ts). */
  readonly subWorkflows?: SubWorkflowPort;
  /** For MCPs with `max_concurrency` (permits.ts). */
  readonly permits?: PermitPort;
}

/**
 * Starts `runPlan` against an in-memory recorder and fake runners. By default retries wait no time
 * (the delays are logged in `sleeps`) and jitter uses random() = 0.5.
 */
export function startRun(plan: RunPlan, setup: RunSetup = {}): StartedRun {
  const recorder = setup.recorder ?? new MemoryRecorder();
  const runners = setup.runners ?? new FakeRunners();
  const cancel = new AbortController();
  const sleeps: number[] = [];
  const options: EngineOptions = {
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...setup.options,
  };
  const result = runPlan(plan, setup.recorded ?? [], {
    recorder,
    runnerFor: runners.runnerFor,
    signal: cancel.signal,
    options,
    ...(setup.waits ? { waits: setup.waits } : {}),
    ...(setup.startedAt ? { startedAt: setup.startedAt } : {}),
    ...(setup.subWorkflows ? { subWorkflows: setup.subWorkflows } : {}),
    ...(setup.permits ? { permits: setup.permits } : {}),
  });
  const outcome = result.then((r) => {
    if (r.status === "parked") throw new Error("the run parked");
    return r;
  });
  // a test that reads only `result` leaves `outcome` alone
  outcome.catch(() => undefined);
  return { outcome, result, recorder, runners, cancel, sleeps };
}
