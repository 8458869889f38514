import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from "typeorm";
import { ScheduleEntity } from "./schedule.entity.js";

/** What became of a tick: `pending` (its run not started yet), `started`, `skipped`, `buffered`, `failed`. */
export type TickOutcomeName = "pending" | "started" | "skipped" | "buffered" | "failed";

/**
 * One tick of a schedule. The primary key (schedule, kind, tick time) is what makes a tick fire once
 * however many executors see it due: only the executor whose insert lands records it. A `pending`
 * tick is held by its executor until `claimed_until`; after that (the executor died) another takes it
 * over, and the run's request id, derived from the tick, makes sure it still starts one run at most.
 */
@Entity({ name: "schedule_ticks" })
@Index("schedule_ticks_open", ["claimedUntil"], { where: "outcome IN ('pending', 'buffered')" })
@Index("schedule_ticks_recent", ["scheduleId", "tickAt"])
@Index("schedule_ticks_request_id", ["scheduleId", "requestId"], {
  unique: true,
  where: "request_id IS NOT NULL",
})
@Index("schedule_ticks_one_buffered", ["scheduleId"], { unique: true, where: "outcome = 'buffered'" })
export class ScheduleTickEntity {
  @PrimaryColumn({ type: "uuid", name: "schedule_id" })
  scheduleId!: string;

  /** Deleting a schedule deletes its ticks. */
  @ManyToOne(() => ScheduleEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "schedule_id", foreignKeyConstraintName: "schedule_ticks_schedule_id_fkey" })
  schedule?: ScheduleEntity;

  /** `cron` (a fire time of the expression) or `manual` (TriggerSchedule). */
  @PrimaryColumn({ type: "text" })
  kind!: string;

  @PrimaryColumn({ type: "timestamptz", name: "tick_at" })
  tickAt!: Date;

  @Column({ type: "text" })
  outcome!: TickOutcomeName;

  @Column({ type: "uuid", name: "run_id", nullable: true })
  runId!: string | null;

  @Column({ type: "text", default: "" })
  reason!: string;

  /** TriggerSchedule's request id, for a manual tick given one. */
  @Column({ type: "text", name: "request_id", nullable: true })
  requestId!: string | null;

  /** The executor that holds a pending tick (then, the one that fired it), and until when. */
  @Column({ type: "text", name: "claimed_by", nullable: true })
  claimedBy!: string | null;

  @Column({ type: "timestamptz", name: "claimed_until", nullable: true })
  claimedUntil!: Date | null;

  @Column({ type: "timestamptz", name: "recorded_at" })
  recordedAt!: Date;
}
