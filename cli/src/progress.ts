import {
  isFinalStepStatus,
  RunStatus,
  StepStatus,
  type RunEvent,
  type RunError,
  type StepRun,
  type WorkflowRun,
} from "@mcp/proto/executor";

import { formatItems, ItemTally } from "./items.js";

const ACTIVE_STEP = new Set([StepStatus.RUNNING, StepStatus.RETRYING]);

/** `RUN_STATUS_PARTIALLY_SUCCEEDED` → `partially succeeded`. */
export const runStatusName = (status: RunStatus) =>
  (RunStatus[status] ?? String(status)).toLowerCase().replace(/_/g, " ");
export const stepStatusName = (status: StepStatus) =>
  (StepStatus[status] ?? String(status)).toLowerCase().replace(/_/g, " ");

/** What the display shows: steps done of total, what runs now, the run's status. */
export interface ProgressView {
  readonly status: RunStatus;
  readonly done: number;
  readonly total: number;
  /** Top-level steps running (or retrying) now, in start order. */
  readonly current: readonly string[];
  readonly error: RunError | undefined;
}

/**
 * Folds WatchRun events into the run's progress. Only top-level steps count (an assistant's tool
 * calls are child steps); the total is the workflow's step count when known, else the steps seen.
 */
export class RunProgress {
  private readonly steps = new Map<string, StepRun>();
  /** The items of for_each steps (child steps with an item index). */
  private readonly items = new ItemTally();
  private status = RunStatus.PENDING;
  private error: RunError | undefined;

  constructor(private readonly plannedSteps = 0) {}

  /** Applies one event; returns a one-line description of what happened. */
  apply(event: RunEvent): string {
    switch (event.event.case) {
      case "runSnapshot":
        this.snapshot(event.event.value);
        return `run ${runStatusName(this.status)}`;
      case "runStatus":
        this.status = event.event.value.status;
        this.error = event.event.value.error ?? this.error;
        return `run ${runStatusName(this.status)}${this.error && this.status !== RunStatus.SUCCEEDED ? `: ${this.error.message}` : ""}`;
      case "stepUpdated":
        return this.step(event.event.value);
      default:
        return "event";
    }
  }

  /**
   * The top-level steps of `run` (a snapshot) that have started or ended with a status this progress
   * has not seen, in the run's order. A watch that began after a step ended (a quick step, a busy
   * machine) or resynced after a gap tells them one by one, through {@link applyStep}, before the
   * snapshot replaces everything, so no step's outcome goes unsaid.
   */
  unseen(run: WorkflowRun): StepRun[] {
    return run.steps.filter(
      (s) =>
        s.parentStepId === "" &&
        s.status !== StepStatus.PENDING &&
        this.steps.get(s.stepId)?.status !== s.status,
    );
  }

  /** Applies one step's state as a step event would; returns the line describing it. */
  applyStep(s: StepRun): string {
    return this.step(s);
  }

  /** Replaces everything with a full run (a snapshot, or the run as GetRun returns it). */
  snapshot(run: WorkflowRun): void {
    this.status = run.status;
    this.error = run.error;
    this.steps.clear();
    for (const s of run.steps) if (s.parentStepId === "") this.steps.set(s.stepId, s);
    for (const s of run.steps) this.items.add(s);
  }

  view(): ProgressView {
    const steps = [...this.steps.values()];
    return {
      status: this.status,
      done: steps.filter((s) => isFinalStepStatus(s.status)).length,
      total: Math.max(this.plannedSteps, steps.length),
      current: steps.filter((s) => ACTIVE_STEP.has(s.status)).map((s) => this.label(s.stepId)),
      error: this.error,
    };
  }

  /** A step's id, with its item progress when it is a for_each step: `each (12/1000 items)`. */
  private label(stepId: string): string {
    const items = this.items.of(stepId);
    return items ? `${stepId} (${formatItems(items)})` : stepId;
  }

  private step(s: StepRun): string {
    const label = s.parentStepId === "" ? s.stepId : `${s.parentStepId}/${s.stepId}`;
    if (s.parentStepId === "") this.steps.set(s.stepId, s);
    this.items.add(s);
    const attempt = s.attempt > 1 ? ` (attempt ${s.attempt})` : "";
    const error = s.error && s.status !== StepStatus.SUCCEEDED ? `: ${firstLine(s.error.message)}` : "";
    return `step ${label} ${stepStatusName(s.status)}${attempt}${error}`;
  }
}

const firstLine = (text: string) => text.split("\n", 1)[0] ?? "";

/** 0.4s, 12.3s, 2m05s, 1h02m. */
export function formatElapsed(ms: number): string {
  const clamped = Math.max(0, ms);
  if (clamped < 60_000) return `${(clamped / 1000).toFixed(1)}s`;
  const seconds = Math.floor(clamped / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor(seconds / 60) % 60).padStart(2, "0")}m`;
}

/** `1/2 steps · current: concat · 0.8s` — the part both display modes share. */
export function formatProgress(view: ProgressView, elapsedMs: number): string {
  const current = view.current.length > 0 ? view.current.join(", ") : "-";
  return `${view.done}/${view.total} steps · current: ${current} · ${formatElapsed(elapsedMs)}`;
}

/** One line of the non-TTY display: the progress, then what just happened. */
export function formatEventLine(view: ProgressView, elapsedMs: number, what: string): string {
  return `${formatProgress(view, elapsedMs)} · ${what}`;
}
