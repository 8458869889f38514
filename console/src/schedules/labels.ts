import { OverlapPolicy, TickOutcome, type Schedule } from "@mcp/proto/executor";
import type { Tone } from "../format/enums";

/** `OVERLAP_POLICY_BUFFER_ONE` → `buffer_one`. */
export function overlapName(policy: OverlapPolicy): string {
  return (OverlapPolicy[policy] ?? "UNSPECIFIED").toLowerCase();
}

/** `TICK_OUTCOME_STARTED` → `started`. */
export function tickOutcomeName(outcome: TickOutcome): string {
  return (TickOutcome[outcome] ?? "UNSPECIFIED").toLowerCase();
}

/** The badge colour of a tick's outcome. */
export function tickOutcomeTone(outcome: TickOutcome): Tone {
  switch (outcome) {
    case TickOutcome.STARTED:
      return "ok";
    case TickOutcome.FAILED:
      return "bad";
    case TickOutcome.SKIPPED:
      return "idle";
    case TickOutcome.BUFFERED:
      return "wait";
    default:
      return "busy";
  }
}

/** The workflow a schedule runs: `name` or `name v3`. */
export function scheduleWorkflow(s: Schedule): string {
  const ref = s.workflow;
  if (!ref) return "—";
  return `${ref.workflow.value ?? "—"}${ref.version !== undefined ? ` v${ref.version}` : ""}`;
}
