import { StepStatus } from "@mcp/proto/executor";

/** The order the counts are told in: what needs attention first. */
const ORDER = [
  StepStatus.FAILED,
  StepStatus.CANCELLED,
  StepStatus.RUNNING,
  StepStatus.RETRYING,
  StepStatus.WAITING,
  StepStatus.SUCCEEDED,
  StepStatus.SKIPPED,
  StepStatus.PENDING,
  StepStatus.UNSPECIFIED,
];

/** `succeeded`, `failed`, …: a step status in lower case. */
const statusWord = (status: StepStatus) => (StepStatus[status] ?? String(status)).toLowerCase();

/**
 * A run's steps counted by status, what needs attention first: "1 failed, 1 succeeded of 2".
 * `none` is said for a run without steps (the CLI says "-", the console "none yet").
 */
export function stepCounts(steps: readonly { readonly status: StepStatus }[], none: string): string {
  if (steps.length === 0) return none;
  const parts = ORDER.map((status) => [status, steps.filter((s) => s.status === status).length] as const)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${statusWord(status)}`);
  return `${parts.join(", ")} of ${steps.length}`;
}
