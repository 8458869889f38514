import type { DataSource, EntityMetadata } from "typeorm";
import { ScheduleEntity } from "../entities/schedule.entity.js";
import { uniqueViolation } from "../errors.js";
import { decodePageToken, encodePageToken, pageSize, toPage, type Page } from "../pagination/page-token.js";
import { columnValues, fromRow, setList } from "./entity-rows.js";
import { PreparedStatements } from "./prepared.js";

/** A new schedule's row; the store sets `rowVersion`, `missedTicks` and the timestamps. */
export type NewSchedule = Omit<ScheduleEntity, "rowVersion" | "missedTicks" | "createdAt" | "updatedAt">;

/** What an API write may change on a schedule. */
export type ScheduleChange = Partial<
  Pick<
    ScheduleEntity,
    | "description"
    | "workflowRef"
    | "workflowName"
    | "inputs"
    | "cron"
    | "timeZone"
    | "overlapPolicy"
    | "catchUpWindowMs"
    | "paused"
    | "pauseReason"
    | "nextFireAt"
    | "updatedBy"
  >
>;

/**
 * The `schedules` table (the definitions; their ticks are {@link ScheduleTicks}'). Names are unique
 * case-insensitively in a workspace; by id (the ticker's, background) a schedule of any workspace. API writes are compare-and-set on `row_version`, one statement each.
 */
export class ScheduleStore {
  private readonly sql: PreparedStatements;
  private readonly metadata: EntityMetadata;

  constructor(dataSource: DataSource) {
    this.sql = new PreparedStatements(dataSource);
    this.metadata = dataSource.getMetadata(ScheduleEntity);
  }

  /** The schedule of `workspace` named `name` (case-insensitive), or undefined. */
  async get(workspace: string, name: string): Promise<ScheduleEntity | undefined> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      "SELECT * FROM schedules WHERE workspace = $2 AND lower(name) = lower($1)",
      [name, workspace],
    );
    return rows[0] ? this.entity(rows[0]) : undefined;
  }

  /** The schedule with this id, or undefined. */
  async byId(id: string): Promise<ScheduleEntity | undefined> {
    const rows = await this.sql.rows<Record<string, unknown>>("SELECT * FROM schedules WHERE id = $1", [id]);
    return rows[0] ? this.entity(rows[0]) : undefined;
  }

  /**
   * One page of `workspace`'s schedules ordered by lower-case name, optionally only those of one
   * workflow (by name, case-insensitive). A bad token is INVALID_ARGUMENT on `page_token`.
   */
  async listPage(
    workspace: string,
    pageToken: string,
    size: number,
    workflow: string,
  ): Promise<Page<ScheduleEntity>> {
    const filter = { list: "schedules", workflow: workflow.toLowerCase(), workspace };
    const after = decodePageToken(pageToken, filter)?.[0];
    const limit = pageSize(size);
    const rows = await this.sql.rows<Record<string, unknown>>(
      `SELECT * FROM schedules
        WHERE workspace = $4 AND ($1::text = '' OR lower(workflow_name) = $1)
          AND ($2::text IS NULL OR lower(name) > $2)
        ORDER BY lower(name) LIMIT $3`,
      [filter.workflow, after === undefined ? null : String(after), limit + 1, workspace],
    );
    return toPage(
      rows,
      limit,
      (last) => encodePageToken([String(last["name"]).toLowerCase()], filter),
      (row) => this.entity(row),
    );
  }

  /** Inserts a new schedule (row version 1); undefined when the name is taken. */
  async insert(schedule: NewSchedule): Promise<ScheduleEntity | undefined> {
    const params: unknown[] = [];
    const columns = columnValues(this.metadata, { ...schedule, rowVersion: 1 }, params);
    columns.push(["created_at", "now()"], ["updated_at", "now()"]);
    try {
      const rows = await this.sql.rows<Record<string, unknown>>(
        `INSERT INTO schedules (${columns.map(([column]) => column).join(", ")})
         VALUES (${columns.map(([, value]) => value).join(", ")}) RETURNING *`,
        params,
      );
      return rows[0] ? this.entity(rows[0]) : undefined;
    } catch (err) {
      if (uniqueViolation(err) === "schedules_name_lower") return undefined;
      throw err;
    }
  }

  /**
   * Applies `change` if the row is still at `rowVersion`; bumps the row version and `updated_at`.
   * Undefined when the schedule is gone or someone else wrote first.
   */
  async compareAndSet(
    id: string,
    rowVersion: number,
    change: ScheduleChange,
  ): Promise<ScheduleEntity | undefined> {
    const params: unknown[] = [id, rowVersion];
    const set = setList(this.metadata, change, params);
    const rows = await this.sql.rows<Record<string, unknown>>(
      `UPDATE schedules SET ${set.join(", ")}, row_version = row_version + 1, updated_at = now()
        WHERE id = $1 AND row_version = $2 RETURNING *`,
      params,
    );
    return rows[0] ? this.entity(rows[0]) : undefined;
  }

  /** Deletes the schedule (and, by cascade, its ticks) if it is at `rowVersion`; true when deleted. */
  async delete(id: string, rowVersion: number): Promise<boolean> {
    const rows = await this.sql.rows<{ id: string }>(
      "DELETE FROM schedules WHERE id = $1 AND row_version = $2 RETURNING id",
      [id, rowVersion],
    );
    return rows.length === 1;
  }

  private entity(row: Record<string, unknown>): ScheduleEntity {
    return fromRow<ScheduleEntity>(this.metadata, row);
  }
}
