import { NotFoundError } from "@mcp/errors";
import {
  isFinalStepStatus,
  RunStatus,
  StepLogStream,
  type StepRun,
  type WorkflowRun,
} from "@mcp/proto/executor";
import type { StepLogMessage } from "../events/step-logs.js";

/** How often a followed step's record is checked, in case its end was not heard (another replica died). */
const RECHECK_MS = 2000;

/** One chunk of a step's log, as TailStepLogs sends it. */
export interface LogChunk {
  readonly stream: StepLogStream;
  readonly text: string;
  readonly recorded: boolean;
}

/** What a tail reads: the run with its steps, and the live output of a step. */
export interface StepLogSources {
  /** The run of `workspace` with its steps; rejects with NotFoundError (also for another workspace's). */
  run(workspace: string, runId: string): Promise<WorkflowRun>;
  follow(runId: string, stepId: string, onMessage: (message: StepLogMessage) => void): Promise<() => void>;
}

const LIVE_RUN = new Set([RunStatus.PENDING, RunStatus.RUNNING]);

const stepOf = (run: WorkflowRun, stepId: string): StepRun | undefined =>
  run.steps.find((s) => s.stepId === stepId);

/** The step's recorded stdout and stderr as chunks (empty streams left out). */
function recorded(step: StepRun): LogChunk[] {
  return [
    { stream: StepLogStream.STDOUT, text: step.stdout, recorded: true },
    { stream: StepLogStream.STDERR, text: step.stderr, recorded: true },
  ].filter((c) => c.text !== "");
}

/** True when nothing more will be written for the step: it ended, or its run did. */
const settled = (run: WorkflowRun, stepId: string): boolean => {
  const step = stepOf(run, stepId);
  return !LIVE_RUN.has(run.status) || (step !== undefined && isFinalStepStatus(step.status));
};

/**
 * A step's log (TailStepLogs): for a settled step, or without `follow`, its record; else its live
 * output until it ends (across retries: the end of one attempt ends the tail only once the record
 * says the step is final). If no live chunk was heard by then (the tail started just as the step
 * ended), the record is sent instead, so a tail never ends empty-handed for a step that wrote.
 */
export async function* tailStepLogs(
  sources: StepLogSources,
  req: { runId: string; stepId: string; follow: boolean },
  signal: AbortSignal,
  workspace: string,
): AsyncGenerator<LogChunk> {
  const first = await sources.run(workspace, req.runId);
  const step = stepOf(first, req.stepId);
  if (!step && !LIVE_RUN.has(first.status)) {
    throw new NotFoundError("step", req.stepId, `run ${req.runId} has no step "${req.stepId}"`);
  }
  if (!req.follow || settled(first, req.stepId)) {
    if (step) yield* recorded(step);
    return;
  }

  const queue: StepLogMessage[] = [];
  let wake: (() => void) | undefined;
  const poke = () => {
    wake?.();
    wake = undefined;
  };
  const stop = await sources.follow(req.runId, req.stepId, (message) => {
    queue.push(message);
    poke();
  });
  let recheck = false;
  const timer = setInterval(() => {
    recheck = true;
    poke();
  }, RECHECK_MS);
  signal.addEventListener("abort", poke, { once: true });
  let heardLive = false;
  try {
    for (;;) {
      for (let message = queue.shift(); message; message = queue.shift()) {
        if (message.kind === "end") recheck = true;
        else {
          heardLive = true;
          yield {
            stream: message.stream === "stdout" ? StepLogStream.STDOUT : StepLogStream.STDERR,
            text: message.text,
            recorded: false,
          };
        }
      }
      if (signal.aborted) return;
      // the record is read when an attempt's end was heard, and every RECHECK_MS
      if (recheck) {
        recheck = false;
        const now = await sources.run(workspace, req.runId);
        if (settled(now, req.stepId)) {
          const done = stepOf(now, req.stepId);
          if (!heardLive && done) yield* recorded(done);
          return;
        }
      }
      if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    clearInterval(timer);
    signal.removeEventListener("abort", poke);
    stop();
  }
}
