import { StepStatus } from "@mcp/proto/executor";
import { stepStatusName } from "./progress.js";

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

/** A run's steps counted by status, e.g. "1 failed, 1 succeeded of 2"; "-" with no steps. */
export function stepCounts(steps: readonly { readonly status: StepStatus }[]): string {
  if (steps.length === 0) return "-";
  const parts = ORDER.map((status) => [status, steps.filter((s) => s.status === status).length] as const)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${stepStatusName(status)}`);
  return `${parts.join(", ")} of ${steps.length}`;
}
