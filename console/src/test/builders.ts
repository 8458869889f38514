import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  RunEventSchema,
  type RunStatus,
  StepRunSchema,
  StepStatus,
  WorkflowRunSchema,
  type RunEvent,
  type StepRun,
  type WorkflowRun,
} from "@mcp/proto/executor";

/** Test data builders: a step run with times in ms since an arbitrary epoch. */
export function step(
  stepId: string,
  status: StepStatus,
  opts: { attempt?: number; start?: number; finish?: number; parent?: string } = {},
): StepRun {
  return create(StepRunSchema, {
    stepId,
    status,
    attempt: opts.attempt ?? (status === StepStatus.PENDING ? 0 : 1),
    mcpName: `mcp-${stepId}`,
    parentStepId: opts.parent ?? "",
    startTime: opts.start === undefined ? undefined : timestampFromMs(opts.start),
    finishTime: opts.finish === undefined ? undefined : timestampFromMs(opts.finish),
  });
}

export function run(
  status: RunStatus,
  steps: StepRun[] = [],
  init: MessageInitShape<typeof WorkflowRunSchema> = {},
): WorkflowRun {
  return create(WorkflowRunSchema, { id: "run-1", workflowName: "greet", ...init, status, steps });
}

export function snapshot(r: WorkflowRun, sequence: number, at = 0): RunEvent {
  return create(RunEventSchema, {
    runId: r.id,
    sequence: BigInt(sequence),
    time: timestampFromMs(at),
    event: { case: "runSnapshot", value: r },
  });
}

export function stepEvent(s: StepRun, sequence: number, at: number): RunEvent {
  return create(RunEventSchema, {
    runId: "run-1",
    sequence: BigInt(sequence),
    time: timestampFromMs(at),
    event: { case: "stepUpdated", value: s },
  });
}

export function statusEvent(status: RunStatus, sequence: number, at: number): RunEvent {
  return create(RunEventSchema, {
    runId: "run-1",
    sequence: BigInt(sequence),
    time: timestampFromMs(at),
    event: { case: "runStatus", value: { status } },
  });
}
