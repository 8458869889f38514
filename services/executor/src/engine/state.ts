import type { Step } from "@mcp/proto/workflows";
import type { JsonObject } from "../step/index.js";
import { isConditionSkip } from "./conditions.js";
import type { RecordedError, RecordedStep } from "./types.js";

/** A step's state inside the engine: `waiting` = not started in this process (yet). */
export type StepStatus = "waiting" | "running" | "succeeded" | "failed" | "skipped" | "cancelled";

/** The engine's bookkeeping for one run: step states, outputs and failures, in dependency order. */
export class RunState {
  private readonly status = new Map<string, StepStatus>();
  private readonly firstAttempt = new Map<string, number>();
  private readonly outputs = new Map<string, JsonObject>();
  /** Steps skipped by a condition (conditions.ts): they count as decided without a failure. */
  private readonly conditionSkips = new Set<string>();
  /** Failures in the order they were decided (recorded ones first, in dependency order). */
  readonly failures: RecordedError[] = [];
  /**
   * Items that failed for good in `for_each` steps that still succeeded (CONTINUE): the run is then
   * only partially successful (outcome.ts).
   */
  readonly itemFailures: RecordedError[] = [];

  /**
   * Starts from what was recorded: `succeeded` keeps its outputs and never runs again; `failed`,
   * `skipped` and `cancelled` are decided; `running`/`retrying` (interrupted by a crash) and `pending`
   * wait to run with attempt = recorded attempt + 1; unrecorded steps wait with attempt 1.
   */
  constructor(
    readonly order: readonly Step[],
    recorded: readonly RecordedStep[],
  ) {
    const byId = new Map(recorded.map((r) => [r.stepId, r]));
    for (const step of order) {
      const id = step.stepId;
      const record = byId.get(id);
      this.firstAttempt.set(id, (record?.attempt ?? 0) + 1);
      switch (record?.status) {
        case "succeeded": {
          this.succeed(id, record.outputs ?? {});
          const failed = record.items?.find((item) => item.status === "failed");
          if (failed)
            this.itemFailures.push({
              code: failed.error?.code ?? "STEP_FAILED",
              message: `item ${failed.index} failed: ${failed.error?.message ?? "no error recorded"}`,
              stepId: id,
            });
          break;
        }
        case "failed":
          this.fail(id, {
            ...(record.error ?? {
              code: "STEP_FAILED",
              message: `step "${id}" failed before the run resumed`,
            }),
            stepId: id,
          });
          break;
        case "skipped":
        case "cancelled":
          this.status.set(id, record.status);
          if (record.status === "skipped" && isConditionSkip(record.error?.code)) this.conditionSkips.add(id);
          break;
        case "pending":
        case "running":
        case "retrying":
        case "waiting":
        case undefined:
          this.status.set(id, "waiting");
          break;
      }
    }
  }

  statusOf(stepId: string): StepStatus | undefined {
    return this.status.get(stepId);
  }

  /** The attempt number the step's next run starts with. */
  attemptOf(stepId: string): number {
    return this.firstAttempt.get(stepId) ?? 1;
  }

  /** The outputs of a succeeded step. */
  outputsOf(stepId: string): JsonObject | undefined {
    return this.outputs.get(stepId);
  }

  /** Ids with this status, in dependency order. */
  idsWith(status: StepStatus): string[] {
    return this.order.map((s) => s.stepId).filter((id) => this.status.get(id) === status);
  }

  /** Whether every dependency of `step` succeeded or was skipped by a condition. */
  ready(step: Step): boolean {
    return (
      this.status.get(step.stepId) === "waiting" &&
      step.dependsOn.every((d) => this.status.get(d) === "succeeded" || this.conditionSkips.has(d))
    );
  }

  /** Whether the step was skipped by a condition (its own, or one upstream; see conditions.ts). */
  skippedByCondition(stepId: string): boolean {
    return this.conditionSkips.has(stepId);
  }

  /** The step was skipped by a condition. */
  skipByCondition(stepId: string): void {
    this.status.set(stepId, "skipped");
    this.conditionSkips.add(stepId);
  }

  markRunning(stepId: string): void {
    this.status.set(stepId, "running");
  }

  /** Back to waiting: the run was aborted before the step's first attempt started. */
  markWaiting(stepId: string): void {
    this.status.set(stepId, "waiting");
  }

  /** `itemFailure`: a `for_each` step that succeeded although an item failed (CONTINUE). */
  succeed(stepId: string, outputs: JsonObject, itemFailure?: RecordedError): void {
    this.status.set(stepId, "succeeded");
    this.outputs.set(stepId, outputs);
    if (itemFailure) this.itemFailures.push(itemFailure);
  }

  fail(stepId: string, error: RecordedError): void {
    this.status.set(stepId, "failed");
    this.failures.push(error);
  }

  /** Marks steps skipped or cancelled (not running any more, never to run). */
  settle(stepIds: readonly string[], status: "skipped" | "cancelled"): void {
    for (const id of stepIds) this.status.set(id, status);
  }
}
