import { StepStatus, type StepRun, type WorkflowRun } from "@mcp/proto/executor";
import type { Step } from "@mcp/proto/workflows";

/** Items at once when a for_each step does not say (the proto's default). */
export const DEFAULT_FOR_EACH_CONCURRENCY = 8;

/** Longest fan-out label drawn on a node. */
const MAX_BADGE_CHARS = 32;

/** A for_each step's fan-out as the DAG shows it: a short label on the node, the details in its title. */
export interface FanOutBadge {
  /** `⇶ each split.data.words ×4`, cut with an ellipsis. */
  readonly label: string;
  readonly title: string;
}

/** Where a for_each step's list comes from: `inputs.docs`, `split.data` (+ `.path`). */
export function forEachSource(step: Pick<Step, "forEach">): string | undefined {
  const forEach = step.forEach;
  if (!forEach) return undefined;
  const source = forEach.source;
  const base =
    source.case === "workflowInput"
      ? `inputs.${source.value}`
      : source.case === "stepOutput"
        ? [source.value.stepId, source.value.output].filter((part) => part !== "").join(".")
        : "(no list)";
  return forEach.path === "" ? base : `${base}.${forEach.path}`;
}

/** The badge of a for_each step; undefined for a step without `for_each`. */
export function fanOutBadge(step: Pick<Step, "forEach">): FanOutBadge | undefined {
  const source = forEachSource(step);
  if (source === undefined) return undefined;
  const concurrency = step.forEach?.maxConcurrency ?? DEFAULT_FOR_EACH_CONCURRENCY;
  const full = `⇶ each ${source} ×${concurrency}`;
  const label = full.length > MAX_BADGE_CHARS ? `${full.slice(0, MAX_BADGE_CHARS - 1)}…` : full;
  const title = `Runs once per item of ${source}, at most ${concurrency} at once; outputs {"items": [...]} in item order.`;
  return { label, title };
}

/** How far the items of one for_each step are. */
export interface ItemProgress {
  readonly stepId: string;
  /** The list's length (known once the step read it). */
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Running or retrying. */
  readonly running: number;
}

/** The item progress of every for_each step of a run that has read its list, in step order. */
export function itemProgress(run: Pick<WorkflowRun, "steps">): ItemProgress[] {
  const children = new Map<string, StepRun[]>();
  for (const s of run.steps) {
    if (s.parentStepId === "" || s.itemIndex === undefined) continue;
    children.set(s.parentStepId, [...(children.get(s.parentStepId) ?? []), s]);
  }
  return run.steps
    .filter((s) => s.parentStepId === "" && s.itemCount !== undefined)
    .map((s) => {
      const items = children.get(s.stepId) ?? [];
      const count = (statuses: StepStatus[]) => items.filter((i) => statuses.includes(i.status)).length;
      return {
        stepId: s.stepId,
        total: s.itemCount ?? 0,
        succeeded: count([StepStatus.SUCCEEDED]),
        failed: count([StepStatus.FAILED, StepStatus.CANCELLED]),
        running: count([StepStatus.RUNNING, StepStatus.RETRYING]),
      };
    });
}
