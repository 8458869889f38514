import { RunStatus, StepStatus } from "./gen/mcp/executor/v1/run_pb.js";

/** The run statuses nothing changes after (run.proto's RunStatus: every one but unspecified, pending, running). */
const FINAL_RUN = new Set([
  RunStatus.SUCCEEDED,
  RunStatus.FAILED,
  RunStatus.PARTIALLY_SUCCEEDED,
  RunStatus.CANCELLED,
]);

/** The step statuses run.proto calls final: SUCCEEDED, FAILED, SKIPPED and CANCELLED. */
const FINAL_STEP = new Set([
  StepStatus.SUCCEEDED,
  StepStatus.FAILED,
  StepStatus.SKIPPED,
  StepStatus.CANCELLED,
]);

/** Whether a run in `status` has ended: it will not change again. */
export const isFinalRunStatus = (status: RunStatus): boolean => FINAL_RUN.has(status);

/** Whether a step in `status` has ended (a retrying or waiting step has not). */
export const isFinalStepStatus = (status: StepStatus): boolean => FINAL_STEP.has(status);
