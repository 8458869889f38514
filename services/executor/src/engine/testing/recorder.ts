import type { JsonObject, StepResult } from "../../step/index.js";
import type { ItemUpdate, RecordedError, RunRecorder } from "../types.js";
import { deferred, type Deferred } from "./deferred.js";

/** One recorder call, as logged. */
export type RecorderCall =
  | {
      readonly method: "stepStarted";
      readonly stepId: string;
      readonly attempt: number;
      readonly inputs: JsonObject;
    }
  | {
      readonly method: "stepRetrying";
      readonly stepId: string;
      readonly attempt: number;
      readonly error: RecordedError;
      readonly output: Partial<StepResult>;
      readonly delayMs: number;
    }
  | {
      readonly method: "stepSucceeded";
      readonly stepId: string;
      readonly attempt: number;
      readonly result: StepResult;
    }
  | {
      readonly method: "stepFailed";
      readonly stepId: string;
      readonly attempt: number;
      readonly error: RecordedError;
      readonly output: Partial<StepResult>;
    }
  | {
      readonly method: "stepsSkipped";
      readonly stepIds: readonly string[];
      readonly status: "skipped" | "cancelled";
      readonly reason: string;
      /** Set for a skip with its own code (a condition skip). */
      readonly code?: string;
    }
  | {
      readonly method: "forEachStarted";
      readonly stepId: string;
      readonly attempt: number;
      readonly inputs: JsonObject;
      readonly itemCount: number;
      readonly resumed: boolean;
    }
  | { readonly method: "itemUpdated"; readonly stepId: string; readonly update: ItemUpdate };

/**
 * An in-memory {@link RunRecorder} that logs every call in order. A call can be held open
 * ({@link hold}) or made to reject ({@link failWhen}).
 */
export class MemoryRecorder implements RunRecorder {
  /** Every call, in the order it was made (logged when made, before it resolves). */
  readonly calls: RecorderCall[] = [];
  /** Calls whose promise resolved, in order. */
  readonly committed: RecorderCall[] = [];
  private readonly holds: { match: (call: RecorderCall) => boolean; gate: Deferred<void> }[] = [];
  private failure: { match: (call: RecorderCall) => boolean; error: Error } | undefined;

  /** Holds the first call matching `match` open until the returned gate resolves (or rejects). */
  hold(match: (call: RecorderCall) => boolean): Deferred<void> {
    const gate = deferred<void>();
    this.holds.push({ match, gate });
    return gate;
  }

  /** Makes every call matching `match` reject with `error` (nothing is committed). */
  failWhen(match: (call: RecorderCall) => boolean, error: Error): void {
    this.failure = { match, error };
  }

  /** The calls as short lines, e.g. `started a#1`, `succeeded a#1`, `failed b#2 TIMEOUT`, `skipped c,d`. */
  lines(): string[] {
    return this.calls.map(line);
  }

  stepStarted(stepId: string, attempt: number, inputs: JsonObject): Promise<void> {
    return this.log({ method: "stepStarted", stepId, attempt, inputs });
  }

  stepRetrying(
    stepId: string,
    attempt: number,
    error: RecordedError,
    output: Partial<StepResult>,
    delayMs: number,
  ): Promise<void> {
    return this.log({ method: "stepRetrying", stepId, attempt, error, output, delayMs });
  }

  stepSucceeded(stepId: string, attempt: number, result: StepResult): Promise<void> {
    return this.log({ method: "stepSucceeded", stepId, attempt, result });
  }

  stepFailed(
    stepId: string,
    attempt: number,
    error: RecordedError,
    output: Partial<StepResult>,
  ): Promise<void> {
    return this.log({ method: "stepFailed", stepId, attempt, error, output });
  }

  stepsSkipped(
    stepIds: readonly string[],
    status: "skipped" | "cancelled",
    reason: string,
    code?: string,
  ): Promise<void> {
    return this.log({
      method: "stepsSkipped",
      stepIds: [...stepIds],
      status,
      reason,
      ...(code ? { code } : {}),
    });
  }

  forEachStarted(
    stepId: string,
    attempt: number,
    inputs: JsonObject,
    itemCount: number,
    resumed = false,
  ): Promise<void> {
    return this.log({ method: "forEachStarted", stepId, attempt, inputs, itemCount, resumed });
  }

  itemUpdated(stepId: string, update: ItemUpdate): Promise<void> {
    return this.log({ method: "itemUpdated", stepId, update });
  }

  private async log(call: RecorderCall): Promise<void> {
    this.calls.push(call);
    // A real recorder commits asynchronously.
    await Promise.resolve();
    if (this.failure?.match(call)) throw this.failure.error;
    const index = this.holds.findIndex((h) => h.match(call));
    const hold = this.holds[index];
    if (hold) {
      this.holds.splice(index, 1);
      await hold.gate.promise;
    }
    this.committed.push(call);
  }
}

function line(call: RecorderCall): string {
  switch (call.method) {
    case "stepStarted":
      return `started ${call.stepId}#${call.attempt}`;
    case "stepRetrying":
      return `retrying ${call.stepId}#${call.attempt} ${call.error.code} in ${call.delayMs}ms`;
    case "stepSucceeded":
      return `succeeded ${call.stepId}#${call.attempt}`;
    case "stepFailed":
      return `failed ${call.stepId}#${call.attempt} ${call.error.code}`;
    case "stepsSkipped":
      return `${call.status} ${call.stepIds.join(",")}${call.code ? ` ${call.code}` : ""}`;
    case "forEachStarted":
      return `for-each ${call.stepId}#${call.attempt} ${call.itemCount} items`;
    case "itemUpdated": {
      const { update } = call;
      const code = update.error ? ` ${update.error.code}` : "";
      return `item ${update.status} ${call.stepId}[${update.index}]#${update.attempt}${code}`;
    }
  }
}
