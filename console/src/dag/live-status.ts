import { StepStatus, type WorkflowRun } from "@mcp/proto/executor";
import { stepStatusName, stepStatusTone, type Tone } from "../format/enums";
import { itemProgress } from "./for-each";

/** How one step of a workflow's DAG looks during a run. */
export interface NodeStatus {
  /** The badge tone (colour) of the step's status. */
  readonly tone: Tone;
  /** The status in words, e.g. `running`. */
  readonly label: string;
  /** For a for_each step: items done of all, e.g. `3/10`. */
  readonly progress?: string;
}

/**
 * The status of every top-level step of a run, keyed by step id, for colouring its DAG: a step the
 * run has not reached yet is absent (drawn as pending); a for_each step carries its items done/total.
 */
export function liveNodeStatus(run: Pick<WorkflowRun, "steps">): Map<string, NodeStatus> {
  const items = new Map(itemProgress(run).map((p) => [p.stepId, p]));
  const out = new Map<string, NodeStatus>();
  for (const s of run.steps) {
    if (s.parentStepId !== "") continue;
    const p = items.get(s.stepId);
    out.set(s.stepId, {
      tone: stepStatusTone(s.status),
      label: stepStatusName(s.status),
      ...(p ? { progress: `${p.succeeded + p.failed}/${p.total}` } : {}),
    });
  }
  return out;
}

/** Whether a step is writing output now, so its live log is worth following. */
export const isRunningStep = (status: StepStatus): boolean =>
  status === StepStatus.RUNNING || status === StepStatus.RETRYING;
