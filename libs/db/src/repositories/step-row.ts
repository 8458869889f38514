import type { StepRunEntity } from "../entities/step-run.entity.js";

/** The fields a new step row must be given; everything else starts empty. */
export type StepRowInit = Pick<StepRunEntity, "id" | "runId" | "stepId" | "position" | "status"> &
  Partial<Omit<StepRunEntity, "run">>;

/** A new `step_runs` row: no attempt yet, no inputs/outputs/error, empty streams, untimed. */
export function stepRow(init: StepRowInit): StepRunEntity {
  return {
    parentStepRunId: null,
    mcpId: null,
    mcpName: null,
    mcpVersion: null,
    mcpType: null,
    attempt: 0,
    inputs: null,
    outputs: null,
    error: null,
    stdout: "",
    stderr: "",
    stdoutTruncated: false,
    stderrTruncated: false,
    usage: null,
    kind: null,
    wakeAt: null,
    signal: null,
    approval: null,
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    itemIndex: null,
    itemCount: null,
    childRunId: null,
    updatedAt: new Date(),
    ...init,
  };
}
