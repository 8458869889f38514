import {
  isFinalRunStatus,
  RunStatus,
  type RunEvent,
  type StepRun,
  type WorkflowRun,
} from "@mcp/proto/executor";
import { ms } from "../format/time";
import { observeStep, type AttemptLog } from "../timeline/attempts";

/** What the run page knows about a run it watches. */
export interface WatchState {
  readonly run: WorkflowRun | undefined;
  /** Sequence of the latest change applied; events at or below it are duplicates (after a reconnect). */
  readonly sequence: bigint;
  /** Attempts of each step seen so far (for one timeline bar per attempt). */
  readonly attempts: AttemptLog;
}

export const initialWatchState: WatchState = { run: undefined, sequence: 0n, attempts: {} };

function observeAll(log: AttemptLog, steps: readonly StepRun[], eventMs: number | undefined): AttemptLog {
  return steps.reduce((acc, step) => observeStep(acc, step, eventMs), log);
}

/** Replaces a step by id (keeping its parent when an update leaves it out), or appends a new one. */
export function mergeStep(steps: readonly StepRun[], step: StepRun): StepRun[] {
  const i = steps.findIndex((s) => s.stepId === step.stepId);
  if (i < 0) return [...steps, step];
  const old = steps[i];
  const merged =
    step.parentStepId === "" && old?.parentStepId ? { ...step, parentStepId: old.parentStepId } : step;
  return steps.map((s, j) => (j === i ? merged : s));
}

/** Applies one WatchRun event. A snapshot replaces the run; other events patch it in sequence order. */
export function applyEvent(state: WatchState, event: RunEvent): WatchState {
  const eventMs = ms(event.time);
  switch (event.event.case) {
    case "runSnapshot": {
      const run = event.event.value;
      return {
        run,
        sequence: event.sequence,
        attempts: observeAll(state.attempts, run.steps, eventMs),
      };
    }
    case "runStatus": {
      if (state.run === undefined || event.sequence <= state.sequence) return state;
      const { status, error } = event.event.value;
      const run: WorkflowRun = {
        ...state.run,
        status,
        error: error ?? state.run.error,
        startTime: state.run.startTime ?? (status === RunStatus.RUNNING ? event.time : undefined),
        finishTime: state.run.finishTime ?? (isFinalRunStatus(status) ? event.time : undefined),
      };
      return { ...state, run, sequence: event.sequence };
    }
    case "stepUpdated": {
      if (state.run === undefined || event.sequence <= state.sequence) return state;
      const step = event.event.value;
      return {
        run: { ...state.run, steps: mergeStep(state.run.steps, step) },
        sequence: event.sequence,
        attempts: observeStep(state.attempts, step, eventMs),
      };
    }
    default:
      return state;
  }
}

/** Applies a full run read with GetRun (a resync): it replaces what the events built. */
export function applyRun(state: WatchState, run: WorkflowRun): WatchState {
  return { ...state, run, attempts: observeAll(state.attempts, run.steps, undefined) };
}
