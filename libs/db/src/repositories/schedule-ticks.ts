import type { DataSource, EntityManager, EntityMetadata } from "typeorm";
import { ScheduleEntity } from "../entities/schedule.entity.js";
import { ScheduleTickEntity, type TickOutcomeName } from "../entities/schedule-tick.entity.js";
import type { RunStatusName } from "../entities/workflow-run.entity.js";
import { dbCall, uniqueViolation } from "../errors.js";
import { fromJsonRow, fromRow } from "./entity-rows.js";
import { PreparedStatements } from "./prepared.js";

/** A schedule's due ticks as its expression gives them, worked out while its row is locked. */
export interface DueTicks {
  /** The ticks to record now (fire times within the catch-up window), oldest first. */
  readonly ticks: readonly Date[];
  /** The schedule's next cursor: its first tick after those; null when the expression fires no more. */
  readonly next: Date | null;
  /** Ticks passed over because they were older than the catch-up window. */
  readonly missed: number;
}

/** Works out a locked schedule's due ticks as of the database's `now`. */
export type TickPlanner = (schedule: ScheduleEntity, now: Date) => DueTicks;

/** A tick and the schedule it belongs to. */
export interface HeldTick {
  readonly schedule: ScheduleEntity;
  readonly tick: ScheduleTickEntity;
}

/** A tick as GetSchedule shows it: with its run's status now. */
export interface TickWithRun extends ScheduleTickEntity {
  readonly runStatus: RunStatusName | null;
}

/** Identity of a tick. */
type TickKey = Pick<ScheduleTickEntity, "scheduleId" | "kind" | "tickAt">;

const LIVE = "('pending', 'running')";

/**
 * The `schedule_ticks` table: recording due ticks exactly once (the row's primary key), holding a
 * pending tick for the executor that starts its run (`claimed_until`), taking over the ticks of an
 * executor that died, and the outcome of each tick.
 */
export class ScheduleTicks {
  private readonly sql: PreparedStatements;
  private readonly ticks: EntityMetadata;
  private readonly schedules: EntityMetadata;

  constructor(private readonly dataSource: DataSource) {
    this.sql = new PreparedStatements(dataSource);
    this.ticks = dataSource.getMetadata(ScheduleTickEntity);
    this.schedules = dataSource.getMetadata(ScheduleEntity);
  }

  /**
   * Records the due ticks of up to `limit` due schedules no other executor is recording (`FOR UPDATE
   * SKIP LOCKED`), as pending ticks held by `owner` for `claimMs`, and moves each schedule's cursor past
   * them, in one transaction. Resolves with the ticks recorded (a tick another executor recorded
   * first is not among them).
   */
  async recordDue(owner: string, claimMs: number, limit: number, plan: TickPlanner): Promise<HeldTick[]> {
    return dbCall(() =>
      this.dataSource.transaction(async (manager) => {
        const [{ now }] = await manager.query<[{ now: Date }]>("SELECT clock_timestamp() AS now");
        const due = await manager.query<Record<string, unknown>[]>(
          `SELECT * FROM schedules WHERE NOT paused AND next_fire_at IS NOT NULL AND next_fire_at <= $1
            ORDER BY next_fire_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [now, limit],
        );
        const held: HeldTick[] = [];
        for (const row of due) {
          const schedule = fromRow<ScheduleEntity>(this.schedules, row);
          const { ticks, next, missed } = plan(schedule, now);
          for (const tick of await this.insertTicks(manager, schedule.id, ticks, owner, claimMs)) {
            held.push({ schedule, tick });
          }
          await manager.query(
            "UPDATE schedules SET next_fire_at = $2, missed_ticks = missed_ticks + $3 WHERE id = $1",
            [schedule.id, next, missed],
          );
        }
        return held;
      }),
    );
  }

  /**
   * A TriggerSchedule tick of `schedule` at the database's now, held by `owner`. With a request id
   * that an earlier call used, that call's tick instead (`created` false).
   */
  async recordManual(
    scheduleId: string,
    requestId: string | null,
    owner: string,
    claimMs: number,
  ): Promise<{ tick: ScheduleTickEntity; created: boolean }> {
    try {
      const rows = await this.sql.rows<Record<string, unknown>>(
        `INSERT INTO schedule_ticks (schedule_id, kind, tick_at, outcome, request_id, claimed_by, claimed_until, recorded_at)
         VALUES ($1, 'manual', date_trunc('milliseconds', clock_timestamp()), 'pending', $2, $3,
                 clock_timestamp() + ($4 || ' milliseconds')::interval, clock_timestamp())
         RETURNING *`,
        [scheduleId, requestId, owner, String(claimMs)],
      );
      return { tick: this.tick(rows[0]!), created: true };
    } catch (err) {
      if (uniqueViolation(err) !== "schedule_ticks_request_id" || requestId === null) throw err;
      const rows = await this.sql.rows<Record<string, unknown>>(
        "SELECT * FROM schedule_ticks WHERE schedule_id = $1 AND request_id = $2",
        [scheduleId, requestId],
      );
      return { tick: this.tick(rows[0]!), created: false };
    }
  }

  /**
   * Takes over up to `limit` pending ticks whose holder's claim ran out (it died or stalled): they
   * are held by `owner` for `claimMs` now.
   */
  async takeOverExpired(owner: string, claimMs: number, limit: number): Promise<HeldTick[]> {
    return this.hold(
      owner,
      claimMs,
      `SELECT schedule_id, kind, tick_at FROM schedule_ticks
        WHERE outcome = 'pending' AND claimed_until < clock_timestamp()
        ORDER BY tick_at LIMIT $3 FOR UPDATE SKIP LOCKED`,
      limit,
    );
  }

  /**
   * Turns up to `limit` buffered ticks whose schedule has no pending or running run any more back
   * into pending ticks held by `owner` (overlap policy buffer_one: their run may start now).
   */
  async releaseBuffered(owner: string, claimMs: number, limit: number): Promise<HeldTick[]> {
    return this.hold(
      owner,
      claimMs,
      `SELECT t.schedule_id, t.kind, t.tick_at FROM schedule_ticks t
        WHERE t.outcome = 'buffered' AND NOT EXISTS (
          SELECT 1 FROM workflow_runs r WHERE r.schedule_id = t.schedule_id AND r.status IN ${LIVE})
        ORDER BY t.tick_at LIMIT $3 FOR UPDATE SKIP LOCKED`,
      limit,
    );
  }

  /**
   * Ends a pending tick with its outcome (`started` with its run); `claimed_by` stays, saying which
   * executor fired it. False when it was not pending any more (another executor that took it over got
   * there first).
   */
  async finish(
    key: TickKey,
    outcome: Exclude<TickOutcomeName, "pending" | "buffered">,
    runId: string | null,
    reason = "",
  ): Promise<boolean> {
    const rows = await this.sql.rows<{ kind: string }>(
      `UPDATE schedule_ticks SET outcome = $4, run_id = $5, reason = $6, claimed_until = NULL
        WHERE schedule_id = $1 AND kind = $2 AND tick_at = $3 AND outcome = 'pending' RETURNING kind`,
      [key.scheduleId, key.kind, key.tickAt, outcome, runId, reason],
    );
    return rows.length === 1;
  }

  /**
   * Makes a pending tick wait for the schedule's running run (buffer_one). False when another tick of
   * the schedule is already waiting (at most one waits: unique index `schedule_ticks_one_buffered`).
   */
  async buffer(key: TickKey): Promise<boolean> {
    try {
      const rows = await this.sql.rows<{ kind: string }>(
        `UPDATE schedule_ticks SET outcome = 'buffered', claimed_by = NULL, claimed_until = NULL
          WHERE schedule_id = $1 AND kind = $2 AND tick_at = $3 AND outcome = 'pending' RETURNING kind`,
        [key.scheduleId, key.kind, key.tickAt],
      );
      return rows.length === 1;
    } catch (err) {
      if (uniqueViolation(err) === "schedule_ticks_one_buffered") return false;
      throw err;
    }
  }

  /** Ids of the schedule's runs that are pending or running, oldest first. */
  async liveRuns(scheduleId: string): Promise<string[]> {
    const rows = await this.sql.rows<{ id: string }>(
      `SELECT id FROM workflow_runs WHERE schedule_id = $1 AND status IN ${LIVE} ORDER BY created_at`,
      [scheduleId],
    );
    return rows.map((r) => r.id);
  }

  /** The schedule's latest `limit` ticks, newest first, each with its run's status. */
  async recent(scheduleId: string, limit: number): Promise<TickWithRun[]> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      `SELECT t.*, r.status AS run_status FROM schedule_ticks t
         LEFT JOIN workflow_runs r ON r.id = t.run_id
        WHERE t.schedule_id = $1 ORDER BY t.tick_at DESC LIMIT $2`,
      [scheduleId, limit],
    );
    return rows.map((row) => ({
      ...this.tick(row),
      runStatus: (row["run_status"] as RunStatusName | null) ?? null,
    }));
  }

  /** Deletes all but the newest `keep` finished ticks of every schedule that has more; the count deleted. */
  async prune(keep: number): Promise<number> {
    const rows = await this.sql.rows<{ n: string }>(
      `WITH old AS (
         SELECT schedule_id, kind, tick_at FROM (
           SELECT schedule_id, kind, tick_at, outcome,
                  row_number() OVER (PARTITION BY schedule_id ORDER BY tick_at DESC) AS n
             FROM schedule_ticks) ranked
          WHERE n > $1 AND outcome NOT IN ('pending', 'buffered'))
       , gone AS (DELETE FROM schedule_ticks t USING old
          WHERE t.schedule_id = old.schedule_id AND t.kind = old.kind AND t.tick_at = old.tick_at
          RETURNING 1)
       SELECT count(*) AS n FROM gone`,
      [keep],
    );
    return Number(rows[0]?.n ?? 0);
  }

  private async insertTicks(
    manager: EntityManager,
    scheduleId: string,
    ticks: readonly Date[],
    owner: string,
    claimMs: number,
  ): Promise<ScheduleTickEntity[]> {
    if (ticks.length === 0) return [];
    const rows = await manager.query<Record<string, unknown>[]>(
      `INSERT INTO schedule_ticks (schedule_id, kind, tick_at, outcome, claimed_by, claimed_until, recorded_at)
       SELECT $1, 'cron', t, 'pending', $3, clock_timestamp() + ($4 || ' milliseconds')::interval, clock_timestamp()
         FROM unnest($2::timestamptz[]) AS t
       ON CONFLICT DO NOTHING RETURNING *`,
      [scheduleId, ticks, owner, String(claimMs)],
    );
    return rows.map((row) => this.tick(row));
  }

  /** Holds the ticks `select` picks (its `$3` is `limit`) for `owner`; each with its schedule. */
  private async hold(owner: string, claimMs: number, select: string, limit: number): Promise<HeldTick[]> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      `WITH picked AS (${select}),
       held AS (
         UPDATE schedule_ticks t SET outcome = 'pending', claimed_by = $1,
                claimed_until = clock_timestamp() + ($2 || ' milliseconds')::interval
           FROM picked
          WHERE t.schedule_id = picked.schedule_id AND t.kind = picked.kind AND t.tick_at = picked.tick_at
          RETURNING t.*)
       SELECT to_jsonb(held) AS tick, to_jsonb(s) AS schedule
         FROM held JOIN schedules s ON s.id = held.schedule_id`,
      [owner, String(claimMs), limit],
    );
    return rows.map((row) => ({
      tick: fromJsonRow<ScheduleTickEntity>(this.ticks, row["tick"] as Record<string, unknown>),
      schedule: fromJsonRow<ScheduleEntity>(this.schedules, row["schedule"] as Record<string, unknown>),
    }));
  }

  private tick(row: Record<string, unknown>): ScheduleTickEntity {
    return fromRow<ScheduleTickEntity>(this.ticks, row);
  }
}
