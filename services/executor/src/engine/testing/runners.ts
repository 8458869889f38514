import {
  StepFailure,
  type JsonObject,
  type Runner,
  type StepContext,
  type StepResult,
} from "../../step/index.js";
import type { RunnerFor } from "../../step/index.js";
import { deferred, type Deferred } from "./deferred.js";

/** What a fake step does on one attempt. */
export type Behaviour = (context: StepContext) => Promise<StepResult> | StepResult;

/** One attempt the fake was asked to run, with a handle to finish it when the step is manual. */
export interface FakeAttempt {
  readonly context: StepContext;
  /** Position among all attempts started, from 0. */
  readonly index: number;
  /** Finishes a manual attempt. */
  readonly result: Deferred<StepResult>;
}

/** A successful result with these outputs. */
export function result(outputs: JsonObject = {}): StepResult {
  return { outputs, stdout: "", stderr: "", stdoutTruncated: false, stderrTruncated: false };
}

/**
 * Fake runners for every step: by default an attempt succeeds at once with `{ out: "<stepId>-out" }`.
 * Steps can be given a behaviour, or made manual (each attempt waits for the test to finish it, and
 * rejects with CANCELLED when its signal aborts). Tracks attempts in order and the peak concurrency.
 */
export class FakeRunners {
  readonly attempts: FakeAttempt[] = [];
  running = 0;
  peak = 0;
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly manual = new Set<string>();
  private readonly waiters: { match: (a: FakeAttempt) => boolean; found: Deferred<FakeAttempt> }[] = [];

  readonly runnerFor: RunnerFor = () => this.runner;
  private readonly runner: Runner = { run: (context) => this.run(context) };

  /** Sets what `stepId` does on each attempt. */
  on(stepId: string, behaviour: Behaviour): this {
    this.behaviours.set(stepId, behaviour);
    return this;
  }

  /** Makes `stepIds` wait for the test: see {@link started}. */
  manualSteps(...stepIds: string[]): this {
    for (const id of stepIds) this.manual.add(id);
    return this;
  }

  /** The ids of the attempts started so far, as `id#attempt`, in order. */
  started(): string[] {
    return this.attempts.map((a) => `${a.context.stepId}#${a.context.attempt}`);
  }

  /** Resolves with the attempt of `stepId` (the `attempt`-th, default the first) once it started. */
  attemptOf(stepId: string, attempt = 1): Promise<FakeAttempt> {
    const match = (a: FakeAttempt): boolean => a.context.stepId === stepId && a.context.attempt === attempt;
    const existing = this.attempts.find(match);
    if (existing) return Promise.resolve(existing);
    const found = deferred<FakeAttempt>();
    this.waiters.push({ match, found });
    return found.promise;
  }

  private async run(context: StepContext): Promise<StepResult> {
    const attempt: FakeAttempt = { context, index: this.attempts.length, result: deferred<StepResult>() };
    this.attempts.push(attempt);
    this.running++;
    this.peak = Math.max(this.peak, this.running);
    for (const waiter of this.waiters.filter((w) => w.match(attempt))) waiter.found.resolve(attempt);
    try {
      if (this.manual.has(context.stepId)) {
        const onAbort = (): void =>
          attempt.result.reject(new StepFailure("CANCELLED", "aborted", { stdout: "partial" }));
        if (context.signal.aborted) onAbort();
        context.signal.addEventListener("abort", onAbort, { once: true });
        return await attempt.result.promise;
      }
      const behaviour = this.behaviours.get(context.stepId);
      return behaviour ? await behaviour(context) : result({ out: `${context.stepId}-out` });
    } finally {
      this.running--;
    }
  }
}
