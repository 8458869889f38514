import type { EntityMetadata } from "typeorm";
import type { StepRunEntity } from "../entities/step-run.entity.js";
import { FenceLostError } from "./run-store.js";
import { fromRow, toColumns } from "./entity-rows.js";
import type { Outcome } from "../group-commit.js";
import type { PreparedStatements } from "./prepared.js";

/** Columns of a step row a driver may change. */
export type StepPatch = Partial<Omit<StepRunEntity, "run" | "id" | "runId" | "stepId">>;

/** Steps as they are after a fenced write, with the event sequence number the write took. */
export interface WrittenSteps {
  readonly seq: string;
  readonly rows: StepRunEntity[];
}

/** One driver's step transition: `patch` applied to the steps `stepIds` of run `runId` under `fence`. */
export interface StepWrite {
  readonly runId: string;
  readonly fence: string;
  readonly stepIds: readonly string[];
  readonly patch: StepPatch;
}

/** Columns a step write never changes (they name the row). */
const KEY_COLUMNS = new Set(["id", "run_id", "step_id"]);

/**
 * Step transitions of many runs in ONE statement (group commit, docs/adr/028): the writes travel as
 * arrays through `unnest`, each run's event sequence is bumped `WHERE fence = <that write's fence>`
 * (by as many numbers as it has writes in the batch, each write taking its own in order), and only
 * the writes whose run was bumped change their step rows. A write whose fence moved changes nothing
 * and gets {@link FenceLostError}; the others commit. Each patch is a jsonb object keyed by column
 * (`jsonb_populate_record`): a column it names is set (null included), any other is kept, so every
 * patch shape shares one prepared statement.
 */
export class StepWriteBatch {
  /** The statement, and the one for a batch in which a write closes a step's open items. */
  private readonly sql: string;
  private readonly closingSql: string;

  constructor(
    private readonly steps: EntityMetadata,
    private readonly statements: PreparedStatements,
  ) {
    this.sql = batchSql(steps, false);
    this.closingSql = batchSql(steps, true);
  }

  /** Commits `writes` in one statement; one outcome per write, in order. Throws when the statement fails. */
  async commit(writes: readonly StepWrite[]): Promise<Array<Outcome<WrittenSteps>>> {
    const runIds: string[] = [];
    const fences: string[] = [];
    const patches: string[] = [];
    const progress: boolean[] = [];
    const closes: boolean[] = [];
    const derive: boolean[] = [];
    const stepOf: number[] = [];
    const stepIds: string[] = [];
    const stepRunIds: string[] = [];
    writes.forEach((write, i) => {
      const { patch } = write;
      runIds.push(write.runId);
      fences.push(write.fence);
      patches.push(
        JSON.stringify(toColumns(this.steps, { ...patch, updatedAt: patch.updatedAt ?? new Date() })),
      );
      // a step finishing is progress: the run's count of recoveries without progress starts again
      progress.push(patch.status === "succeeded" || patch.status === "failed");
      // a step ending otherwise than succeeded closes its items still open (a sub-workflow for_each
      // cancelled or timed out while its items wait on their child runs): they end with it
      closes.push(patch.status === "failed" || patch.status === "cancelled" || patch.status === "skipped");
      // with `finishedAt` and no `durationMs`, the duration is taken from each row's recorded start
      derive.push(patch.finishedAt != null && patch.durationMs === undefined);
      for (const stepId of write.stepIds) {
        stepOf.push(i + 1);
        stepIds.push(stepId);
        stepRunIds.push(write.runId);
      }
    });
    const sql = closes.includes(true) ? this.closingSql : this.sql;
    const rows = await this.statements.rows<Record<string, unknown>>(sql, [
      runIds,
      fences,
      patches,
      progress,
      closes,
      derive,
      stepOf,
      stepIds,
      stepRunIds,
    ]);
    const written = new Map<number, { seq: string; rows: StepRunEntity[] }>();
    for (const row of rows) {
      const index = Number(row["__w"]);
      let entry = written.get(index);
      if (!entry) {
        entry = { seq: String(row["__seq"]), rows: [] };
        written.set(index, entry);
      }
      if (row["id"] != null) entry.rows.push(fromRow<StepRunEntity>(this.steps, row));
    }
    return writes.map((write, i) => {
      const entry = written.get(i + 1);
      return entry ? { value: entry } : { error: new FenceLostError(write.runId, write.fence) };
    });
  }
}

/**
 * The batch statement for the step table's columns (see {@link StepWriteBatch}); with `closing`, it
 * also cancels the open items of the steps its closing writes end.
 */
function batchSql(steps: EntityMetadata, closing: boolean): string {
  const relations = new Set(steps.relations.map((relation) => relation.propertyName));
  const columns = steps.columns
    .filter((column) => !relations.has(column.propertyName))
    .map((column) => column.databaseName)
    .filter((column) => !KEY_COLUMNS.has(column) && column !== "duration_ms");
  const sets = columns.map(
    (column) => `${column} = CASE WHEN ws.patch ? '${column}' THEN (ws.p).${column} ELSE s.${column} END`,
  );
  sets.push(`duration_ms = CASE WHEN ws.patch ? 'duration_ms' THEN (ws.p).duration_ms
                               WHEN ws.derive THEN CASE WHEN s.started_at IS NULL THEN NULL
                                 ELSE round(extract(epoch FROM ((ws.p).finished_at - s.started_at)) * 1000)::int END
                               ELSE s.duration_ms END`);
  // a step's items are found through the run's index (step_runs_by_run), not by a scan of every row
  const items = `,
       items AS (UPDATE step_runs c
                    SET status = 'cancelled', finished_at = now(), updated_at = now(),
                        error = jsonb_build_object('code', 'CANCELLED', 'message',
                                  'the step ended ' || step.status || ' before this item did')
                   FROM step JOIN ws ON ws.idx = step."__i"
                  WHERE ws.closes AND c.run_id = step.run_id AND c.parent_step_run_id = step.id
                    AND c.item_index IS NOT NULL AND c.status IN ('pending', 'running', 'retrying', 'waiting')
                 RETURNING step."__i", c.*)`;
  return `WITH w AS (SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::jsonb[], $4::boolean[], $5::boolean[], $6::boolean[])
                        WITH ORDINALITY AS w(run_id, fence, patch, progress, closes, derive, idx)),
       g AS (SELECT run_id, fence, count(*) AS n, bool_or(progress) AS progress FROM w GROUP BY run_id, fence),
       run AS (UPDATE workflow_runs r
                  SET event_seq = r.event_seq + g.n, updated_at = now(),
                      recoveries = CASE WHEN g.progress THEN 0 ELSE r.recoveries END
                 FROM g WHERE r.id = g.run_id AND r.fence = g.fence
               RETURNING r.id, r.fence, r.event_seq),
       ws AS (SELECT w.idx, w.run_id, w.patch, w.closes, w.derive,
                     jsonb_populate_record(NULL::step_runs, w.patch) AS p,
                     run.event_seq - count(*) OVER (PARTITION BY w.run_id, w.fence)
                       + row_number() OVER (PARTITION BY w.run_id, w.fence ORDER BY w.idx) AS seq
                FROM w JOIN run ON run.id = w.run_id AND run.fence = w.fence),
       step AS (UPDATE step_runs s SET ${sets.join(",\n                ")}
                  FROM ws, unnest($7::int[], $8::text[], $9::uuid[]) AS t(idx, step_id, run_id)
                 WHERE t.idx = ws.idx AND s.run_id = t.run_id AND s.step_id = t.step_id
                RETURNING ws.idx AS "__i", s.*)${closing ? items : ""}
  SELECT ws.idx AS "__w", ws.seq AS "__seq", changed.*
    FROM ws LEFT JOIN (SELECT * FROM step${closing ? " UNION ALL SELECT * FROM items" : ""}) changed
      ON changed."__i" = ws.idx`;
}
