import { StepStatus, type StepRun, type WorkflowRun } from "@mcp/proto/executor";

/** How far the items of one `for_each` step are. */
export interface ItemProgress {
  /** Items finished (succeeded, failed or cancelled). */
  readonly done: number;
  readonly failed: number;
  /** The list's length; unknown (0) before the step read it. */
  readonly total: number;
}

const ITEM_DONE = new Set([StepStatus.SUCCEEDED, StepStatus.FAILED, StepStatus.CANCELLED]);

/**
 * Counts the item children of `for_each` steps (steps with an `item_count`), keyed by the step id:
 * fed the run's steps (GetRun) or each `stepUpdated` event as it comes (WatchRun).
 */
export class ItemTally {
  private readonly counts = new Map<string, number>();
  private readonly items = new Map<string, Map<number, StepStatus>>();

  /** Books one step: a for_each step's count, or an item's latest status. */
  add(step: StepRun): void {
    if (step.parentStepId === "" && step.itemCount !== undefined)
      this.counts.set(step.stepId, step.itemCount);
    if (step.parentStepId !== "" && step.itemIndex !== undefined) {
      const items = this.items.get(step.parentStepId) ?? new Map<number, StepStatus>();
      items.set(step.itemIndex, step.status);
      this.items.set(step.parentStepId, items);
    }
  }

  /** The progress of for_each step `stepId`, or undefined when it is not one (or has not started). */
  of(stepId: string): ItemProgress | undefined {
    const total = this.counts.get(stepId);
    if (total === undefined) return undefined;
    const statuses = [...(this.items.get(stepId)?.values() ?? [])];
    return {
      done: statuses.filter((s) => ITEM_DONE.has(s)).length,
      failed: statuses.filter((s) => s === StepStatus.FAILED).length,
      total,
    };
  }
}

/** `12/1000 items`, with `, 2 failed` when some failed. */
export function formatItems(progress: ItemProgress): string {
  const failed = progress.failed > 0 ? `, ${progress.failed} failed` : "";
  return `${progress.done}/${progress.total} items${failed}`;
}

/** One line per for_each step of a run (GetRun): `each: 12/1000 items`. */
export function itemLines(run: WorkflowRun): string[] {
  const tally = new ItemTally();
  for (const step of run.steps) tally.add(step);
  return run.steps
    .filter((s) => s.parentStepId === "")
    .flatMap((s) => {
      const progress = tally.of(s.stepId);
      return progress ? [`${s.stepId}: ${formatItems(progress)}`] : [];
    });
}
