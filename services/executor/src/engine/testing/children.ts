import type { WorkflowReference } from "@mcp/proto/workflows";
import type { JsonObject } from "../../step/index.js";
import type { ChildEnd, SubWorkflowPort } from "../sub-workflow.js";

/** Child runs in memory: one per (step, attempt), named `<step>-<attempt>`, ended by the test. */
export class MemoryChildren implements SubWorkflowPort {
  readonly started: Array<{
    stepId: string;
    attempt: number;
    inputs: JsonObject;
    record: boolean;
    timeoutSeconds?: number;
  }> = [];
  readonly ends = new Map<string, ChildEnd>();
  /** `awaitItems` calls, as `<step>#<attempt>`. */
  readonly itemWaits: string[] = [];

  startChild(
    stepId: string,
    attempt: number,
    _ref: WorkflowReference,
    inputs: JsonObject,
    record: boolean,
    timeoutSeconds?: number,
  ): Promise<string> {
    this.started.push({ stepId, attempt, inputs, record, ...(timeoutSeconds ? { timeoutSeconds } : {}) });
    return Promise.resolve(`${stepId}-${attempt}`);
  }

  childEnd(childRunId: string): Promise<ChildEnd | null> {
    return Promise.resolve(this.ends.get(childRunId) ?? null);
  }

  awaitItems(stepId: string, attempt: number): Promise<void> {
    this.itemWaits.push(`${stepId}#${attempt}`);
    return Promise.resolve();
  }
}
