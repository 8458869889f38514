import type { EntityMetadata } from "typeorm";
import type { WorkflowRunEntity } from "../entities/workflow-run.entity.js";
import type { Outcome } from "../group-commit.js";
import { toColumns } from "./entity-rows.js";
import type { PreparedStatements } from "./prepared.js";
import { FenceLostError } from "./run-store.js";

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

/** One driver's write of its run's end: `patch` applied to run `runId` under `fence`. */
export interface RunWrite {
  readonly runId: string;
  readonly fence: string;
  readonly patch: RunPatch;
}

/**
 * Run ends of many runs in ONE statement (group commit, docs/adr/028), as {@link StepWriteBatch}
 * does step transitions: arrays through `unnest`, each run changed only `WHERE fence = <its
 * write's fence>`, taking its next event sequence number; a write whose fence moved changes nothing
 * and gets {@link FenceLostError}. A batch never holds two writes of one run (GroupCommit's keys).
 */
export class RunWriteBatch {
  private readonly sql: string;

  constructor(
    private readonly runs: EntityMetadata,
    private readonly statements: PreparedStatements,
  ) {
    const sets = PATCHED.map((property) => {
      const column = runs.findColumnWithPropertyName(property)?.databaseName;
      if (!column) throw new Error(`workflow_runs has no column for "${property}"`);
      return `${column} = CASE WHEN w.patch ? '${column}' THEN (w.p).${column} ELSE r.${column} END`;
    });
    this.sql = `WITH w AS (SELECT w.*, jsonb_populate_record(NULL::workflow_runs, w.patch) AS p
                             FROM unnest($1::uuid[], $2::bigint[], $3::jsonb[]) WITH ORDINALITY AS w(run_id, fence, patch, idx))
                UPDATE workflow_runs r SET ${sets.join(", ")}, event_seq = r.event_seq + 1
                  FROM w WHERE r.id = w.run_id AND r.fence = w.fence
                RETURNING w.idx AS "__w", r.event_seq`;
  }

  /** Commits `writes` in one statement; each write's event sequence number, or its FenceLostError. */
  async commit(writes: readonly RunWrite[]): Promise<Array<Outcome<string>>> {
    const rows = await this.statements.rows<{ __w: string; event_seq: string }>(this.sql, [
      writes.map((write) => write.runId),
      writes.map((write) => write.fence),
      writes.map((write) => JSON.stringify(toColumns(this.runs, { ...write.patch, updatedAt: new Date() }))),
    ]);
    const seqs = new Map(rows.map((row) => [Number(row.__w), String(row.event_seq)]));
    return writes.map((write, i) => {
      const seq = seqs.get(i + 1);
      return seq !== undefined ? { value: seq } : { error: new FenceLostError(write.runId, write.fence) };
    });
  }
}
