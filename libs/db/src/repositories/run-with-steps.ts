import type { EntityMetadata } from "typeorm";
import type { StepRunEntity } from "../entities/step-run.entity.js";
import type { WorkflowRunEntity } from "../entities/workflow-run.entity.js";
import { fromJsonRow, fromRow } from "./entity-rows.js";

/** A run with its steps in plan order, as GetRun shows it. */
export interface RunWithSteps {
  readonly run: WorkflowRunEntity;
  readonly steps: StepRunEntity[];
}

/**
 * The select-list item giving the steps of the run row `alias` as one json array (`"__steps"`), in
 * plan order: children after their parent, a for_each step's items by index. One text, so that a
 * read of a run ({@link RunQueries.runWithSteps}) and a run end that returns it (docs/adr/029) agree.
 * With `when` (a boolean SQL expression), the steps are read only for rows where it holds (null
 * elsewhere): a batch of run ends reads only the runs whose writes asked for it. With `written` (the
 * name of a CTE updating steps of the run in the same statement, `RETURNING *`), those steps are
 * read as that update leaves them.
 */
export function stepsOfRun(alias: string, when?: string, written?: string): string {
  // the statement's own step updates are not in its snapshot of step_runs: their rows come from the
  // CTE `written` (its RETURNING rows) in place of the rows they replaced
  const rows = written
    ? `(SELECT * FROM ${written} UNION ALL
        SELECT * FROM step_runs o WHERE o.run_id = ${alias}.id AND o.id NOT IN (SELECT id FROM ${written}))`
    : "step_runs";
  const steps = `COALESCE((SELECT json_agg(s ORDER BY s.position, s.item_index NULLS FIRST, s.step_id)
                      FROM ${rows} s WHERE s.run_id = ${alias}.id), '[]'::json)`;
  return `${when === undefined ? steps : `CASE WHEN ${when} THEN ${steps} END`} AS "__steps"`;
}

/** The run and its steps from a row of `<run>.*` and {@link stepsOfRun}. */
export function runWithStepsOf(
  runs: EntityMetadata,
  steps: EntityMetadata,
  row: Record<string, unknown>,
): RunWithSteps {
  return {
    run: fromRow<WorkflowRunEntity>(runs, row),
    steps: (row["__steps"] as Record<string, unknown>[]).map((s) => fromJsonRow<StepRunEntity>(steps, s)),
  };
}
