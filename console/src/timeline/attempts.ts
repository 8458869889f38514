import { isFinalStepStatus, StepStatus, type StepRun } from "@mcp/proto/executor";
import { ms } from "../format/time";

/** One attempt of a step, as observed from the run's events. */
export interface AttemptRecord {
  readonly attempt: number;
  /** When the attempt started; undefined when it was never observed running. */
  readonly startMs: number | undefined;
  /** When it ended (failed into a retry, or finished); undefined while it runs. */
  readonly endMs: number | undefined;
  /** The step's status when the attempt was last seen (RETRYING = this attempt failed and will be retried). */
  readonly status: StepStatus;
}

/** Attempts per step id. The API keeps only a step's latest attempt; earlier ones are known from events. */
export type AttemptLog = Readonly<Record<string, readonly AttemptRecord[]>>;

/**
 * Records what one state of a step says about its current attempt: the attempt's start (the step's
 * start time, which the executor sets per attempt), and its end when the step is retrying (the event's
 * time: the backoff starts) or final (the step's finish time).
 */
export function observeStep(log: AttemptLog, step: StepRun, eventMs: number | undefined): AttemptLog {
  if (step.attempt <= 0 || step.status === StepStatus.PENDING || step.status === StepStatus.UNSPECIFIED)
    return log;
  const records = log[step.stepId] ?? [];
  const previous = records.find((r) => r.attempt === step.attempt);
  const startMs =
    previous?.startMs ?? ms(step.startTime) ?? (step.status === StepStatus.RUNNING ? eventMs : undefined);
  let endMs = previous?.endMs;
  if (step.status === StepStatus.RETRYING) endMs = endMs ?? eventMs;
  else if (isFinalStepStatus(step.status)) endMs = ms(step.finishTime) ?? endMs ?? eventMs;
  else if (step.status === StepStatus.RUNNING) endMs = undefined;
  const record: AttemptRecord = { attempt: step.attempt, startMs, endMs, status: step.status };
  const others = records.filter((r) => r.attempt !== step.attempt);
  // An attempt that was running when a later one started must have ended by then.
  const closed = others.map((r) =>
    r.attempt < step.attempt && r.endMs === undefined
      ? { ...r, endMs: startMs, status: StepStatus.RETRYING }
      : r,
  );
  return { ...log, [step.stepId]: [...closed, record].sort((a, b) => a.attempt - b.attempt) };
}
