import type { StepRun } from "@mcp/proto/executor";
import { skippedByCondition } from "../dag/conditions";
import { stepStatusName, stepStatusTone } from "../format/enums";
import { StatusBadge } from "./status-badge";

/**
 * A step run's status badge. A step skipped by a condition reads `SKIPPED · condition` (dashed), with
 * the reason (`condition false: …`) as its title, so it is not taken for a step skipped by a failure.
 */
export function StepStatusBadge({ step }: { step: Pick<StepRun, "status" | "error"> }) {
  if (skippedByCondition(step)) {
    return (
      <span
        className="badge tone-idle condition-skip"
        title={step.error?.message}
        data-testid="condition-skip"
      >
        {stepStatusName(step.status)} · condition
      </span>
    );
  }
  return <StatusBadge text={stepStatusName(step.status)} tone={stepStatusTone(step.status)} />;
}
