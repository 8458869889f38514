import { asInsert, asUpdate, FenceLostError, StepRunEntity, stepRow, type RunStore } from "@mcp/db";
import { LostOwnershipError, type RecordedError, type RunRecorder } from "../engine/types.js";
import type { RunEvents } from "../events/run-events.js";
import { randomUUID } from "node:crypto";
import type { JsonObject, PinnedMcp, StepResult } from "../runners/runner.js";
import { typeName } from "./type-names.js";
import { toStepRun } from "./mapping.js";

/** Where runs and steps are reported (runtime's `runMetrics(registry)`); optional, default nowhere. */
export interface RunMetrics {
  runStarted(): void;
  runStopped(): void;
  runFinished(status: string): void;
  stepFinished(mcpType: string, status: string, durationMs: number): void;
}

type StepPatch = Partial<Omit<StepRunEntity, "run" | "id" | "runId" | "stepId">>;

/**
 * The engine's durable log for one claimed run: every change is a transaction that checks the run's
 * fence (see RunStore.fenced), commits, and only then is published as an event.
 */
export class FencedRecorder implements RunRecorder {
  constructor(
    private readonly store: RunStore,
    private readonly events: RunEvents,
    private readonly runId: string,
    private readonly fence: string,
    private readonly metrics?: RunMetrics,
  ) {}

  stepStarted(stepId: string, attempt: number, inputs: JsonObject): Promise<void> {
    return this.update([stepId], {
      status: "running",
      attempt,
      inputs,
      error: null,
      startedAt: new Date(),
      finishedAt: null,
      durationMs: null,
    });
  }

  stepRetrying(
    stepId: string,
    attempt: number,
    error: RecordedError,
    output: Partial<StepResult>,
    delayMs: number,
  ): Promise<void> {
    return this.update([stepId], {
      status: "retrying",
      attempt,
      error: { ...error, retryInMs: delayMs },
      ...streams(output),
    });
  }

  stepSucceeded(stepId: string, attempt: number, result: StepResult): Promise<void> {
    return this.update(
      [stepId],
      {
        status: "succeeded",
        attempt,
        outputs: result.outputs,
        error: null,
        usage: result.usage ?? null,
        ...streams(result),
      },
      true,
    );
  }

  stepFailed(
    stepId: string,
    attempt: number,
    error: RecordedError,
    output: Partial<StepResult>,
  ): Promise<void> {
    return this.update(
      [stepId],
      { status: "failed", attempt, error: { ...error }, ...streams(output) },
      true,
    );
  }

  stepsSkipped(stepIds: readonly string[], status: "skipped" | "cancelled", reason: string): Promise<void> {
    if (stepIds.length === 0) return Promise.resolve();
    return this.update(stepIds, { status, error: { code: status.toUpperCase(), message: reason } }, true);
  }

  /** A child step (an ai_assistant's tool call) starts: its row is created under the parent's. */
  async childStarted(
    parentStepId: string,
    childStepId: string,
    mcp: PinnedMcp,
    inputs: JsonObject,
  ): Promise<void> {
    const row = await this.guard(() =>
      this.store.fenced(this.runId, this.fence, async (tx) => {
        const repo = tx.manager.getRepository(StepRunEntity);
        const parent = await repo.findOneByOrFail({ runId: this.runId, stepId: parentStepId });
        const now = new Date();
        const child = stepRow({
          id: randomUUID(),
          runId: this.runId,
          stepId: childStepId,
          position: parent.position,
          status: "running",
          parentStepRunId: parent.id,
          mcpId: mcp.id,
          mcpName: mcp.name,
          mcpVersion: mcp.version,
          mcpType: typeName(mcp.type),
          attempt: 1,
          inputs,
          startedAt: now,
          updatedAt: now,
        });
        await repo.insert(asInsert(child));
        return { seq: await tx.nextSeq(), row: child };
      }),
    );
    await this.events.publish(this.runId, row.seq, {
      case: "stepUpdated",
      value: toStepRun(row.row, parentStepId),
    });
  }

  /** A child step ended. */
  childFinished(
    childStepId: string,
    result: StepResult | { error: RecordedError; output: Partial<StepResult> },
  ): Promise<void> {
    return "error" in result
      ? this.update(
          [childStepId],
          { status: "failed", error: { ...result.error }, ...streams(result.output) },
          true,
        )
      : this.update(
          [childStepId],
          { status: "succeeded", outputs: result.outputs, usage: result.usage ?? null, ...streams(result) },
          true,
        );
  }

  /** Turns a lost fence into the engine's LostOwnershipError. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof FenceLostError) throw new LostOwnershipError(this.runId);
      throw err;
    }
  }

  /** Applies `patch` to the steps under the fence and publishes each updated step. */
  private async update(stepIds: readonly string[], patch: StepPatch, finished = false): Promise<void> {
    const published = await this.guard(() =>
      this.store.fenced(this.runId, this.fence, async (tx) => {
        const repo = tx.manager.getRepository(StepRunEntity);
        const rows: StepRunEntity[] = [];
        const now = new Date();
        for (const stepId of stepIds) {
          const row = await repo.findOneByOrFail({ runId: this.runId, stepId });
          const changes: StepPatch = { ...patch, updatedAt: now };
          if (finished) {
            changes.finishedAt = now;
            changes.durationMs = row.startedAt ? now.getTime() - row.startedAt.getTime() : null;
          }
          // an UPDATE of the changed columns only (save() would read the row again first)
          await repo.update({ id: row.id }, asUpdate<StepRunEntity>(changes));
          rows.push(Object.assign(row, changes));
        }
        return { seq: await tx.nextSeq(), rows };
      }),
    );
    for (const row of published.rows) {
      if (finished && row.durationMs !== null)
        this.metrics?.stepFinished(row.mcpType ?? "unknown", row.status, row.durationMs);
      await this.events.publish(this.runId, published.seq, {
        case: "stepUpdated",
        value: toStepRun(row, row.parentStepRunId ? (row.stepId.split("#")[0] ?? "") : ""),
      });
    }
  }
}

function streams(output: Partial<StepResult>): StepPatch {
  const patch: StepPatch = {};
  if (output.stdout !== undefined) patch.stdout = output.stdout;
  if (output.stderr !== undefined) patch.stderr = output.stderr;
  if (output.stdoutTruncated !== undefined) patch.stdoutTruncated = output.stdoutTruncated;
  if (output.stderrTruncated !== undefined) patch.stderrTruncated = output.stderrTruncated;
  return patch;
}
