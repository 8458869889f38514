import type { DataSource } from "typeorm";
import { StepRunEntity } from "../entities/step-run.entity.js";
import { WorkflowRunEntity, type RunStatusName } from "../entities/workflow-run.entity.js";
import { dbCall } from "../errors.js";
import { fromRow } from "./entity-rows.js";
import { PreparedStatements } from "./prepared.js";
import { runWithStepsOf, stepsOfRun, type RunWithSteps } from "./run-with-steps.js";

/** Filter of {@link RunQueries.list}; unset fields do not filter. */
export interface RunListFilter {
  /** The workspace listed: a list never crosses workspaces (docs/adr/021). */
  readonly workspace: string;
  readonly workflowId?: string;
  readonly statuses?: readonly RunStatusName[];
  readonly createdAfter?: Date;
  readonly createdBefore?: Date;
  /** `workflow` or `mcp`. */
  readonly kind?: string;
  /** Only the runs this run started (sub-workflow and fallback runs). */
  readonly parentRunId?: string;
}

/**
 * Which runs a lookup may find: those of one workspace (every call on behalf of a caller), or
 * `ANY_WORKSPACE` (the engine and other background work, which act on the run's own workspace).
 */
export type RunScope = string | typeof ANY_WORKSPACE;
/** The scope of background work: a run of any workspace (never for a caller's request). */
export const ANY_WORKSPACE = null;

/**
 * A run as a list shows it: every column but the driver's bookkeeping; of the plan, its re-run link;
 * `inputs` and `outputs` only when the list asked for them (`full`).
 */
export type ListedRun = Pick<
  WorkflowRunEntity,
  | "id"
  | "kind"
  | "workflowId"
  | "workflowName"
  | "workflowVersion"
  | "mcpId"
  | "mcpName"
  | "mcpVersion"
  | "status"
  | "error"
  | "requestId"
  | "plan"
  | "parentRunId"
  | "parentStepId"
  | "triggerName"
  | "triggerDeliveryId"
  | "scheduleId"
  | "scheduleTickAt"
  | "concurrencyKey"
  | "fallbackRunId"
  | "traceParent"
  | "workspace"
  | "createdAt"
  | "startedAt"
  | "finishedAt"
> &
  Partial<Pick<WorkflowRunEntity, "inputs" | "outputs">>;

/** The columns of a {@link ListedRun} without its inputs and outputs, under its property names. */
const LISTED_COLUMNS = `id, kind, workflow_id AS "workflowId", workflow_name AS "workflowName",
  workflow_version AS "workflowVersion", mcp_id AS "mcpId", mcp_name AS "mcpName",
  mcp_version AS "mcpVersion", status, error, request_id AS "requestId",
  CASE WHEN plan ? 'rerun' THEN jsonb_build_object('rerun', plan->'rerun') END AS plan,
  parent_run_id AS "parentRunId", parent_step_id AS "parentStepId", trigger_name AS "triggerName",
  trigger_delivery_id AS "triggerDeliveryId", schedule_id AS "scheduleId",
  schedule_tick_at AS "scheduleTickAt", concurrency_key AS "concurrencyKey",
  fallback_run_id AS "fallbackRunId", trace_parent AS "traceParent", workspace, created_at AS "createdAt", started_at AS "startedAt",
  finished_at AS "finishedAt",
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAtKey"`;

/** A run of a page, with its keyset's time to the microsecond (a Date holds milliseconds only). */
export type PagedRun = ListedRun & {
  /**
   * `created_at` in full (ISO 8601, UTC, microseconds), for the next page's keyset: cut to the
   * millisecond, a page would skip the runs created in the same millisecond before its last one.
   */
  readonly createdAtKey: string;
};

/** How much of each run a list reads: `basic` leaves the inputs and outputs (up to 1 MiB each) out. */
export type RunListColumns = "basic" | "full";

/** Read-only run queries (newest first, keyset-paginated); a caller's lookups are scoped to its workspace. */
export class RunQueries {
  private readonly sql: PreparedStatements;

  constructor(private readonly dataSource: DataSource) {
    this.sql = new PreparedStatements(dataSource);
  }

  /** The run with this id in `scope`; one of another workspace is not found. */
  async findRun(scope: RunScope, id: string): Promise<WorkflowRunEntity | null> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      "SELECT * FROM workflow_runs WHERE id = $1 AND ($2::text IS NULL OR workspace = $2)",
      [id, scope],
    );
    return rows[0]
      ? fromRow<WorkflowRunEntity>(this.dataSource.getMetadata(WorkflowRunEntity), rows[0])
      : null;
  }

  /**
   * How far the run with this id has got (any workspace: for the engine's watchers): its last event
   * sequence number and its status, two columns rather than the row; null when there is no such run.
   */
  async runProgress(
    id: string,
  ): Promise<{ readonly eventSeq: string; readonly status: RunStatusName } | null> {
    const rows = await this.sql.rows<{ event_seq: string; status: RunStatusName }>(
      "SELECT event_seq, status FROM workflow_runs WHERE id = $1",
      [id],
    );
    const row = rows[0];
    return row ? { eventSeq: String(row.event_seq), status: row.status } : null;
  }

  /**
   * Up to `limit` run ids of `workspace` between `low` and `high` (UUIDs, both included), in order:
   * the runs whose id starts with a given prefix, found on the primary key's index.
   */
  async runIdsBetween(workspace: string, low: string, high: string, limit: number): Promise<string[]> {
    const rows = await this.sql.rows<{ id: string }>(
      `SELECT id FROM workflow_runs WHERE id BETWEEN $1 AND $2 AND workspace = $3 ORDER BY id LIMIT $4`,
      [low, high, workspace, limit],
    );
    return rows.map((r) => r.id);
  }

  /** The ids of a run's sub-workflow runs that have not finished (pending or running). */
  async liveChildren(parentRunId: string): Promise<string[]> {
    const rows = await this.sql.rows<{ id: string }>(
      `SELECT id FROM workflow_runs
        WHERE parent_run_id = $1 AND parent_step_id IS NOT NULL AND status IN ('pending', 'running')
        ORDER BY created_at`,
      [parentRunId],
    );
    return rows.map((r) => r.id);
  }

  /**
   * The run of `workflowId` and concurrency key `key` that may start now (woken when the one before
   * it ended, not yet claimed), or null.
   */
  async nextOfKey(workflowId: string, key: string): Promise<string | null> {
    const rows = await this.sql.rows<{ id: string }>(
      `SELECT id FROM workflow_runs
        WHERE workflow_id = $1 AND concurrency_key = $2 AND status = 'pending' AND wake_at <= now()
        ORDER BY created_at, id LIMIT 1`,
      [workflowId, key],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * The live run of `workflowId` and concurrency key `key` that is not queued (the one running, or
   * about to), or null: what a queued run of the key waits behind.
   */
  async holderOfKey(workflowId: string, key: string): Promise<string | null> {
    const rows = await this.sql.rows<{ id: string }>(
      `SELECT id FROM workflow_runs
        WHERE workflow_id = $1 AND concurrency_key = $2 AND status IN ('pending', 'running')
          AND NOT (status = 'pending' AND wake_at = 'infinity')
        ORDER BY created_at, id LIMIT 1`,
      [workflowId, key],
    );
    return rows[0]?.id ?? null;
  }

  /** The run of `workspace` started with this idempotency key (keys are per workspace). */
  findByRequestId(workspace: string, requestId: string): Promise<WorkflowRunEntity | null> {
    return dbCall(() => this.dataSource.getRepository(WorkflowRunEntity).findOneBy({ workspace, requestId }));
  }

  /**
   * A run and its steps in plan order, read in ONE statement (one round trip, one consistent
   * snapshot of both), or null when there is no such run in `scope`.
   */
  async runWithSteps(scope: RunScope, id: string): Promise<RunWithSteps | null> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      `SELECT r.*, ${stepsOfRun("r")}
         FROM workflow_runs r WHERE r.id = $1 AND ($2::text IS NULL OR r.workspace = $2)`,
      [id, scope],
    );
    const row = rows[0];
    if (!row) return null;
    return runWithStepsOf(
      this.dataSource.getMetadata(WorkflowRunEntity),
      this.dataSource.getMetadata(StepRunEntity),
      row,
    );
  }

  /** A run's steps in plan order (children after their parent; a for_each step's items by index). */
  async steps(runId: string): Promise<StepRunEntity[]> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      "SELECT * FROM step_runs WHERE run_id = $1 ORDER BY position, item_index NULLS FIRST, step_id",
      [runId],
    );
    const metadata = this.dataSource.getMetadata(StepRunEntity);
    return rows.map((row) => fromRow<StepRunEntity>(metadata, row));
  }

  /**
   * Runs newest first, before the keyset `(createdAt, id)` when given: one prepared statement per
   * filter shape, walking `workflow_runs_by_time` (or `_by_status`, `_by_workflow`) backwards. Only
   * the columns a listed run shows are read, named as the entity's properties (no per-row metadata
   * mapping), and of the plan only its re-run link: a page costs its rows, not the plans behind them;
   * `basic` columns leave out the inputs and outputs too. Always within the filter's workspace.
   */
  async list(
    filter: RunListFilter,
    before: readonly [string, string] | undefined,
    limit: number,
    columns: RunListColumns,
  ): Promise<PagedRun[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    where.push(`workspace = ${param(filter.workspace)}`);
    if (filter.workflowId) where.push(`workflow_id = ${param(filter.workflowId)}::uuid`);
    // one status as `=`, so the planner walks workflow_runs_by_status in order
    if (filter.statuses?.length === 1) where.push(`status = ${param(filter.statuses[0])}`);
    else if (filter.statuses?.length) where.push(`status = ANY(${param(filter.statuses)}::text[])`);
    if (filter.kind) where.push(`kind = ${param(filter.kind)}`);
    if (filter.parentRunId) where.push(`parent_run_id = ${param(filter.parentRunId)}::uuid`);
    if (filter.createdAfter) where.push(`created_at >= ${param(filter.createdAfter)}`);
    if (filter.createdBefore) where.push(`created_at < ${param(filter.createdBefore)}`);
    if (before) {
      where.push(`(created_at, id) < (${param(before[0])}::timestamptz, ${param(before[1])}::uuid)`);
    }
    return this.sql.rows<PagedRun>(
      `SELECT ${LISTED_COLUMNS}${columns === "full" ? ", inputs, outputs" : ""} FROM workflow_runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
        ORDER BY created_at DESC, id DESC LIMIT ${param(limit)}`,
      params,
    );
  }
}
