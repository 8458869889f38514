import { timestampDate } from "@bufbuild/protobuf/wkt";
import { StepKind, type StepRun } from "@mcp/proto/executor";
import type { Duration } from "@bufbuild/protobuf/wkt";
import type { Step } from "@mcp/proto/workflows";

/** What a step that waits does (it calls no MCP). */
export type WaitKind = "sleep" | "signal" | "approval";

export function waitKindOf(step: Step): WaitKind | undefined {
  if (step.sleep) return "sleep";
  if (step.waitForSignal) return "signal";
  if (step.approval) return "approval";
  return undefined;
}

/** `2s`, `1h30m`, `2d`: a Duration for people. */
export function durationText(d: Duration | undefined): string {
  if (!d) return "";
  let s = Number(d.seconds) + d.nanos / 1e9;
  if (s < 1) return `${Math.round(s * 1000)}ms`;
  const parts: string[] = [];
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3600],
    ["m", 60],
  ] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
  }
  if (s > 0) parts.push(`${Number(s.toFixed(3))}s`);
  return parts.join("");
}

/** The DAG label of a waiting step in place of its MCP: `sleep 2s`, `signal payment.received`, `approval`. */
export function waitLabel(step: Step): string | undefined {
  switch (waitKindOf(step)) {
    case "sleep": {
      const sleep = step.sleep!;
      if (sleep.duration) return `sleep ${durationText(sleep.duration)}`;
      const src = sleep.until?.source;
      return src?.case === "workflowInput"
        ? `sleep until input ${src.value}`
        : src?.case === "stepOutput"
          ? `sleep until ${src.value.stepId}.${src.value.output}`
          : "sleep until a time";
    }
    case "signal":
      return `signal ${step.waitForSignal!.signal}`;
    case "approval":
      return "approval";
    default:
      return undefined;
  }
}

/** What a WAITING step run waits for, for people: `sleeps until …`, `waits for signal …`, the prompt. */
export function waitingText(step: StepRun): string {
  const until = step.wakeTime ? timestampDate(step.wakeTime).toLocaleString() : undefined;
  switch (step.kind) {
    case StepKind.SLEEP:
      return `sleeps until ${until ?? "its time"}`;
    case StepKind.WAIT_FOR_SIGNAL:
      return `waits for signal "${step.signal}"${until ? ` (gives up at ${until})` : ""}`;
    case StepKind.APPROVAL:
      return `waits for approval: ${step.approval?.prompt ?? ""}${until ? ` (gives up at ${until})` : ""}`;
    case StepKind.WORKFLOW:
      return step.childRunId
        ? `waits for its sub-workflow run ${step.childRunId.slice(0, 8)}`
        : "waits for the sub-workflow runs of its items";
    default:
      return "waits";
  }
}
