import type { WorkflowRun } from "@mcp/proto/executor";
import { itemProgress } from "../dag/for-each";

/**
 * The item progress of the run's for_each steps: `12/1000 items` done (with failed and running counts)
 * and a bar; each item is a child step `<step>[<index>]`, listed under its step in the timeline.
 * Nothing when the run has no for_each step that read its list.
 */
export function ForEachItems({ run, onSelect }: { run: WorkflowRun; onSelect: (stepId: string) => void }) {
  const steps = itemProgress(run);
  if (steps.length === 0) return null;
  return (
    <section aria-labelledby="items-heading" className="for-each-items">
      <h2 id="items-heading">Items</h2>
      <ul>
        {steps.map((p) => {
          const done = p.succeeded + p.failed;
          return (
            <li key={p.stepId} data-testid={`items-${p.stepId}`}>
              <button type="button" onClick={() => onSelect(p.stepId)}>
                {p.stepId}
              </button>{" "}
              <span data-testid="item-progress">
                {done}/{p.total} items
              </span>
              {p.failed > 0 && <span className="hint"> · {p.failed} failed</span>}
              {p.running > 0 && <span className="hint"> · {p.running} running</span>}
              <progress max={Math.max(1, p.total)} value={done} aria-label={`items of ${p.stepId} done`} />
            </li>
          );
        })}
      </ul>
    </section>
  );
}
