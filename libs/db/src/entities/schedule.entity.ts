import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import type { JsonObject } from "./mcp-version.entity.js";

/**
 * A workflow started on a cron expression (ScheduleService). `next_fire_at` is the cursor of the
 * schedule: its first tick not yet recorded. Whichever executor locks the row (`FOR UPDATE SKIP
 * LOCKED`) records the due ticks in `schedule_ticks` and moves the cursor past them, in one transaction.
 */
@Entity({ name: "schedules" })
// (workspace, lower(name)): TypeORM cannot express it; migration 1768200000000 owns it.
@Index("schedules_name_lower", { synchronize: false })
@Index("schedules_due", ["nextFireAt"], { where: "NOT paused AND next_fire_at IS NOT NULL" })
export class ScheduleEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  /** The workspace the row belongs to (docs/adr/021). */
  @Column({ type: "text", default: "default" })
  workspace!: string;

  /** Unique case-insensitively per workspace (index `schedules_name_lower`, migration 1768200000000). */
  @Column({ type: "text" })
  name!: string;

  @Column({ type: "text", default: "" })
  description!: string;

  /** The workflow's reference as given: `{id}` or `{name}`, and `version` when pinned. */
  @Column({ type: "jsonb", name: "workflow_ref" })
  workflowRef!: JsonObject;

  /** The workflow's name when the schedule was last written (ListSchedules' filter). */
  @Column({ type: "text", name: "workflow_name" })
  workflowName!: string;

  @Column({ type: "jsonb", default: {} })
  inputs!: JsonObject;

  @Column({ type: "text" })
  cron!: string;

  @Column({ type: "text", name: "time_zone" })
  timeZone!: string;

  /** `skip`, `allow`, `buffer_one` or `cancel_previous`. */
  @Column({ type: "text", name: "overlap_policy" })
  overlapPolicy!: string;

  @Column({ type: "integer", name: "catch_up_window_ms" })
  catchUpWindowMs!: number;

  @Column({ type: "boolean", default: false })
  paused!: boolean;

  @Column({ type: "text", name: "pause_reason", default: "" })
  pauseReason!: string;

  /** The first tick not yet recorded; null when the expression fires no more. */
  @Column({ type: "timestamptz", name: "next_fire_at", nullable: true })
  nextFireAt!: Date | null;

  /** Ticks found older than the catch-up window, never fired. */
  @Column({ type: "bigint", name: "missed_ticks", default: 0 })
  missedTicks!: string;

  /** Optimistic-concurrency counter (the etag); bumped by every write through the API. */
  @Column({ type: "integer", name: "row_version", default: 1 })
  rowVersion!: number;

  @Column({ type: "timestamptz", name: "created_at" })
  createdAt!: Date;

  @Column({ type: "timestamptz", name: "updated_at" })
  updatedAt!: Date;

  @Column({ type: "text", name: "created_by", nullable: true })
  createdBy!: string | null;

  @Column({ type: "text", name: "updated_by", nullable: true })
  updatedBy!: string | null;
}
