import {
  ANY_WORKSPACE,
  untilReachable,
  type ReachOptions,
  type RunQueries,
  type WorkflowRunEntity,
} from "@mcp/db";
import { NotFoundError } from "@mcp/errors";
import type { WorkflowReference } from "@mcp/proto/workflows";
import type { ChildEnd, SubWorkflowPort } from "../engine/sub-workflow.js";
import type { JsonObject } from "../step/index.js";
import type { FencedRecorder } from "./fenced-recorder.js";

/** Starts a sub-workflow's child run (admission like any run: driven here when there is room). */
export type LaunchChild = (
  parent: WorkflowRunEntity,
  stepId: string,
  attempt: number,
  ref: WorkflowReference,
  inputs: JsonObject,
  /** The step's `timeout_seconds`: the child's run timeout is at most this. */
  timeoutSeconds?: number,
) => Promise<string>;

/**
 * The engine's {@link SubWorkflowPort} for one claimed run: children are launched through the run
 * launcher (one per run, step and attempt: `sub:<run>:<step>:<attempt>` is their request id), the
 * step's wait recorded through the run's fenced recorder, a child's end read from its row.
 */
export class FencedSubWorkflows implements SubWorkflowPort {
  constructor(
    private readonly launch: LaunchChild,
    private readonly queries: RunQueries,
    private readonly recorder: FencedRecorder,
    private readonly parent: WorkflowRunEntity,
    private readonly reach: ReachOptions | undefined,
  ) {}

  async startChild(
    stepId: string,
    attempt: number,
    ref: WorkflowReference,
    inputs: JsonObject,
    record: boolean,
    timeoutSeconds?: number,
  ): Promise<string> {
    const childRunId = await this.launch(this.parent, stepId, attempt, ref, inputs, timeoutSeconds);
    if (record) await this.recorder.stepAwaitingChild(stepId, attempt, inputs, childRunId);
    return childRunId;
  }

  awaitItems(stepId: string, attempt: number): Promise<void> {
    return this.recorder.stepAwaitingItems(stepId, attempt);
  }

  async childEnd(childRunId: string): Promise<ChildEnd | null> {
    const run = await untilReachable(() => this.queries.findRun(ANY_WORKSPACE, childRunId), this.reach);
    if (!run) throw new NotFoundError("run", childRunId);
    if (run.status === "pending" || run.status === "running") return null;
    const error = run.error;
    return {
      status: run.status,
      outputs: run.outputs ?? {},
      error:
        error && typeof error["code"] === "string"
          ? { code: error["code"], message: typeof error["message"] === "string" ? error["message"] : "" }
          : undefined,
    };
  }
}
