import type { WorkflowSpec } from "@mcp/proto/workflows";
import type { JsonObject, PinnedMcp, StepResult } from "../step/index.js";
import type { StepFailureCode } from "../step/index.js";

/**
 * What a run was pinned to when it started: the workflow version's spec and every step's resolved MCP
 * version. Later edits of the workflow or the MCPs never change a plan.
 */
export interface RunPlan {
  readonly runId: string;
  /** Workflow spec (defaults filled in). A single-MCP run has one step and no declared inputs. */
  readonly spec: WorkflowSpec;
  /** Step id → pinned MCP. */
  readonly mcps: ReadonlyMap<string, PinnedMcp>;
  /** The run's inputs after defaults were applied. */
  readonly inputs: JsonObject;
}

/** Terminal step states, as recorded. */
export type StepOutcome = "succeeded" | "failed" | "skipped" | "cancelled";

/** A step's recorded state when the engine (re)starts: completed steps are never run again. */
export interface RecordedStep {
  readonly stepId: string;
  readonly status: "pending" | "running" | "retrying" | "waiting" | StepOutcome;
  /** Attempts already made (0 = never started). */
  readonly attempt: number;
  readonly outputs: JsonObject | null;
  /** For a `failed` step: its recorded error, reported as the run's error on resume. Optional. */
  readonly error?: RecordedError | null;
  /** For a `for_each` step: its items recorded so far (child rows); succeeded ones never run again. */
  readonly items?: readonly RecordedItem[];
  /** For a `waiting` step (sleep, signal, approval): when it wakes or gives up; null = no limit. */
  readonly wakeAt?: Date | null;
}

/** One recorded item of a `for_each` step. */
export interface RecordedItem {
  readonly index: number;
  readonly status: RecordedStep["status"];
  /** Attempts already made. */
  readonly attempt: number;
  readonly outputs: JsonObject | null;
  /** For a `failed` item: its recorded error. */
  readonly error?: RecordedError | null;
  /** For an item of a sub-workflow `for_each` recorded `waiting`: the child run it waits on. */
  readonly childRunId?: string | null;
}

/** A change of one item of a `for_each` step (a child step run `<step>[<index>]`). */
export interface ItemUpdate {
  readonly index: number;
  readonly attempt: number;
  readonly status: "running" | "retrying" | "waiting" | "succeeded" | "failed" | "cancelled";
  /** The item's mapped inputs. */
  readonly inputs: JsonObject;
  /** What the attempt produced (outputs when succeeded; streams and usage in any case). */
  readonly result?: Partial<StepResult>;
  readonly error?: RecordedError;
  /** When `retrying`: the wait before the next attempt. */
  readonly delayMs?: number;
  /** An item of a sub-workflow `for_each`: the child run of this attempt (`waiting` on it, or its end). */
  readonly childRunId?: string;
}

/** An error as recorded on a step or a run. */
export interface RecordedError {
  readonly code: string;
  readonly message: string;
  readonly stepId?: string;
}

/** Final state of a run as decided by the engine. */
export interface RunOutcome {
  readonly status: "succeeded" | "failed" | "partially_succeeded" | "cancelled";
  /** The declared final outputs (only the ones that could be read). */
  readonly outputs: JsonObject;
  readonly error?: RecordedError;
  /** Set when the failure should start the fallback workflow (its name). */
  readonly fallbackWorkflow?: string;
}

/**
 * Durable, fenced writes of one run's progress. Every method commits before it resolves; each rejects
 * with {@link LostOwnershipError} once another executor owns the run, after which the engine must stop.
 */
export interface RunRecorder {
  /** The step is starting attempt `attempt` with these inputs. */
  stepStarted(stepId: string, attempt: number, inputs: JsonObject): Promise<void>;
  /** The attempt failed and will be retried after `delayMs`. */
  stepRetrying(
    stepId: string,
    attempt: number,
    error: RecordedError,
    output: Partial<StepResult>,
    delayMs: number,
  ): Promise<void>;
  /**
   * The step's final result: committed BEFORE any dependent starts. The success of the run's last
   * undecided step may instead be committed with the run's end (nothing depends on it; ADR 031).
   */
  stepSucceeded(stepId: string, attempt: number, result: StepResult): Promise<void>;
  stepFailed(
    stepId: string,
    attempt: number,
    error: RecordedError,
    output: Partial<StepResult>,
  ): Promise<void>;
  /**
   * Steps that will not run (stop strategy, failed dependency, cancel, a condition). `code` is recorded
   * as the skip's error code (default: the status in upper case); condition skips carry theirs
   * (conditions.ts) so that a resumed run tells them from the others.
   */
  stepsSkipped(
    stepIds: readonly string[],
    status: "skipped" | "cancelled",
    reason: string,
    code?: string,
  ): Promise<void>;
  /**
   * A `for_each` step read its list of `itemCount` items and starts attempt `attempt` over them;
   * `resumed`: it goes on after a park (its first start time is kept).
   */
  forEachStarted(
    stepId: string,
    attempt: number,
    inputs: JsonObject,
    itemCount: number,
    resumed?: boolean,
  ): Promise<void>;
  /**
   * An item of a `for_each` step changed. `running` may be deferred like a step's start; `succeeded`
   * and `failed` are committed before the call resolves.
   */
  itemUpdated(stepId: string, update: ItemUpdate): Promise<void>;
}

/** Thrown by a {@link RunRecorder} when this executor no longer owns the run (fencing). */
export class LostOwnershipError extends Error {
  constructor(readonly runId: string) {
    super(`run ${runId} is now driven by another executor; this one stops`);
    this.name = "LostOwnershipError";
  }
}

/** Chooses the runner for an MCP type (by `PinnedMcp.type`). */

/** Tunables of the engine. */
export interface EngineOptions {
  /** Parallel steps at once when the spec does not say; default 8. */
  readonly defaultMaxParallelism?: number;
  /** Random source in [0,1) for backoff jitter; injectable for tests. */
  readonly random?: () => number;
  /** Sleep used between retries; injectable for tests. Must reject promptly when `signal` aborts. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export type { StepFailureCode };
