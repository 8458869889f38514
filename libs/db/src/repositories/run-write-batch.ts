import type { EntityMetadata } from "typeorm";
import type { WorkflowRunEntity } from "../entities/workflow-run.entity.js";
import type { Outcome } from "../group-commit.js";
import { toColumns } from "./entity-rows.js";
import type { PreparedStatements } from "./prepared.js";
import { FenceLostError } from "./run-store.js";
import { runWithStepsOf, stepsOfRun, type RunWithSteps } from "./run-with-steps.js";
import type { StepPatch, WrittenSteps } from "./step-write-batch.js";

/** Columns of a run a driver may change when it finishes. */
export type RunPatch = Partial<
  Pick<
    WorkflowRunEntity,
    "status" | "outputs" | "error" | "finishedAt" | "owner" | "leaseExpiresAt" | "fallbackRunId"
  >
>;

/** The properties of {@link RunPatch}, and `updatedAt`: the columns the batch statement may set. */
const PATCHED: ReadonlyArray<keyof WorkflowRunEntity> = [
  "status",
  "outputs",
  "error",
  "finishedAt",
  "owner",
  "leaseExpiresAt",
  "fallbackRunId",
  "updatedAt",
];

/** Steps' transition written with a run's end: `patch` applied to the run's steps `stepIds`. */
export interface StepsOfEnd {
  readonly stepIds: readonly string[];
  readonly patch: StepPatch;
}

/**
 * One driver's write of its run's end: `patch` applied to run `runId` under `fence`; with `read`,
 * the write also returns the run as it leaves it, with its steps (for a caller waiting on the run).
 * With `steps`, the run's last step transition is written by the same write, before the end
 * (docs/adr/031; FencedWrites writes that part, this batch statement only the run's).
 */
export interface RunWrite {
  readonly runId: string;
  readonly fence: string;
  readonly patch: RunPatch;
  readonly read?: boolean;
  readonly steps?: StepsOfEnd;
}

/**
 * What a run write came to: the event sequence number it took; the run written, when it was to
 * `read` it; the steps its `steps` wrote, with their own (earlier) sequence number.
 */
export interface RunWritten {
  readonly seq: string;
  readonly ended?: RunWithSteps;
  readonly steps?: WrittenSteps;
}

/**
 * Run ends of many runs in ONE statement (group commit, docs/adr/028), as {@link StepWriteBatch}
 * does step transitions: arrays through `unnest`, each run changed only `WHERE fence = <its
 * write's fence>`, taking its next event sequence number; a write whose fence moved changes nothing
 * and gets {@link FenceLostError}. A batch never holds two writes of one run (GroupCommit's keys).
 * When a write of the batch is to `read` its run, a second statement text (used only then) takes
 * each write's `read` as a fourth array and returns the run with its steps, read in the same
 * statement, for those writes only: the others get their sequence number, as in the first text
 * (docs/adr/029).
 */
export class RunWriteBatch {
  private readonly sql: string;
  private readonly readingSql: string;

  constructor(
    private readonly runs: EntityMetadata,
    private readonly steps: EntityMetadata,
    private readonly statements: PreparedStatements,
  ) {
    const sets = PATCHED.map((property) => {
      const column = runs.findColumnWithPropertyName(property)?.databaseName;
      if (!column) throw new Error(`workflow_runs has no column for "${property}"`);
      return `${column} = CASE WHEN w.patch ? '${column}' THEN (w.p).${column} ELSE r.${column} END`;
    });
    // the UPDATE of every write's run; `reads`: with a fourth array, each write's `read` (`w.read`)
    function update(reads: boolean): string {
      return `WITH w AS (SELECT w.*, jsonb_populate_record(NULL::workflow_runs, w.patch) AS p
                           FROM unnest($1::uuid[], $2::bigint[], $3::jsonb[]${reads ? ", $4::boolean[]" : ""})
                                WITH ORDINALITY AS w(run_id, fence, patch, ${reads ? "read, " : ""}idx))
              UPDATE workflow_runs r SET ${sets.join(", ")}, event_seq = r.event_seq + 1
                FROM w WHERE r.id = w.run_id AND r.fence = w.fence`;
    }
    this.sql = `${update(false)}
                RETURNING w.idx AS "__w", r.event_seq AS "__seq"`;
    // a run's columns only for a write that reads it (null for the others: nothing of them to send);
    // the steps subquery, run only for those, sees the statement's snapshot: every step as
    // committed before this run end
    const runColumns = runs.columns.map(
      (column) => `CASE WHEN w.read THEN r.${column.databaseName} END AS ${column.databaseName}`,
    );
    this.readingSql = `${update(true)}
                RETURNING w.idx AS "__w", r.event_seq AS "__seq", ${runColumns.join(", ")}, ${stepsOfRun("r", "w.read")}`;
  }

  /** Commits `writes` in one statement; each write's event sequence number (and run, when read), or its FenceLostError. */
  async commit(writes: readonly RunWrite[]): Promise<Array<Outcome<RunWritten>>> {
    const params = [
      writes.map((write) => write.runId),
      writes.map((write) => write.fence),
      writes.map((write) => JSON.stringify(toColumns(this.runs, { ...write.patch, updatedAt: new Date() }))),
    ];
    const reads = writes.map((write) => write.read === true);
    const rows = reads.includes(true)
      ? await this.statements.rows<Record<string, unknown>>(this.readingSql, [...params, reads])
      : await this.statements.rows<Record<string, unknown>>(this.sql, params);
    const byIndex = new Map(rows.map((row) => [Number(row["__w"]), row]));
    return writes.map((write, i) => {
      const row = byIndex.get(i + 1);
      if (!row) return { error: new FenceLostError(write.runId, write.fence) };
      const seq = String(row["__seq"]);
      return { value: write.read ? { seq, ended: runWithStepsOf(this.runs, this.steps, row) } : { seq } };
    });
  }
}
