import type { EntityMetadata } from "typeorm";
import type { WorkflowRunEntity } from "../entities/workflow-run.entity.js";
import type { Outcome } from "../group-commit.js";
import { fromRow, toColumns } from "./entity-rows.js";
import type { PreparedStatements } from "./prepared.js";
import { insertAuditOfRunsSql } from "./audit-store.js";

/** One run to insert: its row's columns (by property), its steps' rows, and its claim's lease if claimed. */
export interface RunCreation {
  readonly run: Readonly<Partial<WorkflowRunEntity>>;
  readonly steps: readonly object[];
  readonly leaseMs?: number;
  /**
   * The audit event of the call creating the run (`auditRow` naming the run): inserted in the same
   * statement, only if the run is (docs/adr/035).
   */
  readonly audit?: Readonly<Record<string, unknown>>;
}

/** A run's row has this key for its claim's lease in ms; `jsonb_populate_record` ignores it. */
const LEASE_KEY = "__lease_ms";

/**
 * Many runs' creations in ONE statement (group commit, docs/adr/028, as step writes and run ends go):
 * the runs' rows and all their steps' rows travel as two jsonb arrays, the runs are inserted with
 * `ON CONFLICT DO NOTHING` (a request id used before inserts nothing), and only the steps of the runs
 * inserted go in, with the audit events their creations carry. A claimed run takes its lease and
 * start from the database clock. The outcome of
 * each creation is its inserted row, or null when its request id was used before. The runs of one
 * statement name the same columns (the statement's text lists them).
 */
export class RunCreateBatch {
  constructor(
    private readonly runs: EntityMetadata,
    private readonly steps: EntityMetadata,
    private readonly statements: PreparedStatements,
  ) {}

  /** Commits `creations`, which all name the same run columns ({@link columnSet}), in one statement. */
  async commit(creations: readonly RunCreation[]): Promise<Array<Outcome<WorkflowRunEntity | null>>> {
    const rows = creations.map((creation) => toColumns(this.runs, creation.run));
    const runRows = rows.map((row, i) => ({ ...row, [LEASE_KEY]: creations[i]!.leaseMs ?? null }));
    const stepRows = creations.flatMap((creation) =>
      creation.steps.map((step) => toColumns(this.steps, step)),
    );
    const audits = creations.flatMap((creation) => (creation.audit ? [creation.audit] : []));
    const out = await this.statements.rows<Record<string, unknown>>(
      insertSql(Object.keys(rows[0] ?? {}), audits.length > 0),
      [
        JSON.stringify(runRows),
        JSON.stringify(stepRows),
        ...(audits.length > 0 ? [JSON.stringify(audits)] : []),
      ],
    );
    const inserted = new Map<string, WorkflowRunEntity>();
    for (const raw of out) {
      const run = fromRow<WorkflowRunEntity>(this.runs, raw);
      inserted.set(run.id, run);
    }
    return rows.map((row) => ({ value: inserted.get(String(row["id"])) ?? null }));
  }
}

/** The run columns a creation names (its run's defined properties): creations of one set share a statement. */
export function columnSet(creation: RunCreation): string {
  const run: Readonly<Record<string, unknown>> = creation.run;
  return Object.keys(run)
    .filter((property) => run[property] !== undefined)
    .join(",");
}

/**
 * The statement inserting runs naming `columns` (database names), with their steps, and with `audit`
 * the audit events in `$3` (only then does it name the audit table: a batch retried run by run after
 * that table refused its statement must not need it).
 */
function insertSql(columns: readonly string[], audit: boolean): string {
  const list = columns.join(", ");
  const picked = columns.map((column) => `input.${column}`).join(", ");
  return `WITH input AS MATERIALIZED (
       SELECT r.*, (l.row->>'${LEASE_KEY}')::bigint AS lease_ms, l.n
         FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS l(row, n),
              LATERAL jsonb_populate_record(NULL::workflow_runs, l.row) AS r),
     run AS (
       INSERT INTO workflow_runs (${list}, lease_expires_at, started_at)
       SELECT ${picked},
              CASE WHEN input.lease_ms IS NULL THEN NULL ELSE now() + input.lease_ms * interval '1 millisecond' END,
              CASE WHEN input.lease_ms IS NULL THEN NULL ELSE now() END
         FROM input ORDER BY input.n
       ON CONFLICT DO NOTHING RETURNING *),
     steps AS (
       INSERT INTO step_runs
       SELECT s.* FROM jsonb_populate_recordset(NULL::step_runs, $2::jsonb) AS s
        WHERE s.run_id IN (SELECT id FROM run))${
          audit
            ? `,
     audit AS (
       ${insertAuditOfRunsSql("$3")})`
            : ""
        }
   SELECT * FROM run`;
}
