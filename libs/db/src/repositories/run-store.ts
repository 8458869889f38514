import type { DataSource, EntityManager } from "typeorm";
import { StepRunEntity } from "../entities/step-run.entity.js";
import { WorkflowRunEntity } from "../entities/workflow-run.entity.js";
import { dbCall } from "../errors.js";
import { asInsert, asUpdate } from "./insert.js";

/** A run to create, with one pending step row per planned step. */
export interface NewRun {
  readonly run: Omit<
    WorkflowRunEntity,
    "owner" | "leaseExpiresAt" | "fence" | "eventSeq" | "startedAt" | "finishedAt" | "cancelRequestedAt"
  >;
  readonly steps: ReadonlyArray<Omit<StepRunEntity, "run">>;
}

/** Thrown by fenced writes once the caller no longer holds the run (another executor claimed it). */
export class FenceLostError extends Error {
  constructor(
    readonly runId: string,
    readonly fence: string,
  ) {
    super(`run ${runId}: fence ${fence} is no longer current`);
    this.name = "FenceLostError";
  }
}

/** A write made under a fence: the row changes plus the event sequence number it was given. */
export interface FencedTransaction {
  readonly manager: EntityManager;
  /** Next event sequence number of the run (allocated in this transaction). */
  nextSeq(): Promise<string>;
}

/** Lease state seen by a renewal. */
export interface LeaseState {
  /** False when another executor holds the run now. */
  readonly held: boolean;
  readonly cancelRequested: boolean;
}

/**
 * Durable run state with exactly-one-driver semantics. A claim bumps the run's `fence`; every later
 * write by the claimer runs in a transaction that locks the run row and checks that fence, so a stale
 * owner (paused, partitioned, lease expired) can never write after someone else claimed the run.
 */
export class RunStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Inserts a run and its steps. With a `requestId` already used, inserts nothing and returns the
   * existing run (`created: false`) — idempotent execute.
   */
  async create(input: NewRun): Promise<{ run: WorkflowRunEntity; created: boolean }> {
    return dbCall(() =>
      this.dataSource.transaction(async (manager) => {
        const inserted = await manager
          .createQueryBuilder()
          .insert()
          .into(WorkflowRunEntity)
          .values(
            asInsert({
              ...input.run,
              owner: null,
              leaseExpiresAt: null,
              fence: "0",
              eventSeq: "0",
              startedAt: null,
              finishedAt: null,
              cancelRequestedAt: null,
            }),
          )
          .orIgnore()
          .execute();
        if ((inserted.raw as unknown[]).length === 0) {
          const existing = await manager
            .getRepository(WorkflowRunEntity)
            .findOneByOrFail({ requestId: input.run.requestId ?? "" });
          return { run: existing, created: false };
        }
        if (input.steps.length > 0)
          await manager
            .getRepository(StepRunEntity)
            .insert(input.steps.map((step) => asInsert(step as StepRunEntity)));
        const run = await manager.getRepository(WorkflowRunEntity).findOneByOrFail({ id: input.run.id });
        return { run, created: true };
      }),
    );
  }

  /**
   * Claims a run for `owner` for `leaseMs`: the given one if it is claimable, else (no `runId`) the
   * oldest claimable one — pending, or running with an expired lease (its owner died). Skips rows
   * another claimer has locked. Returns the claimed run with its new fence, or null.
   */
  async claim(owner: string, leaseMs: number, runId?: string): Promise<WorkflowRunEntity | null> {
    return dbCall(async () => {
      const rows = await this.dataSource.query<Record<string, unknown>[]>(
        // Wrapped in a CTE so the driver returns the rows (TypeORM returns [rows, count] for a bare UPDATE).
        `WITH claimed AS (
         UPDATE workflow_runs r
            SET owner = $1, lease_expires_at = now() + ($2 || ' milliseconds')::interval, fence = r.fence + 1,
                status = CASE WHEN r.status = 'pending' THEN 'running' ELSE r.status END,
                started_at = COALESCE(r.started_at, now()), updated_at = now()
          WHERE r.id = (
            SELECT id FROM workflow_runs
             WHERE status IN ('pending', 'running')
               AND (owner IS NULL OR lease_expires_at < now())
               AND ($3::uuid IS NULL OR id = $3::uuid)
             ORDER BY created_at, id
             LIMIT 1
             FOR UPDATE SKIP LOCKED)
        RETURNING r.id)
         SELECT id FROM claimed`,
        [owner, String(leaseMs), runId ?? null],
      );
      const claimed = rows[0]?.["id"];
      if (typeof claimed !== "string") return null;
      return this.dataSource.getRepository(WorkflowRunEntity).findOneByOrFail({ id: claimed });
    });
  }

  /** Extends the lease if `fence` is still current; reports whether a cancel was requested. */
  async renew(runId: string, fence: string, leaseMs: number): Promise<LeaseState> {
    return dbCall(async () => {
      const rows = await this.dataSource.query<{ cancel_requested_at: Date | null }[]>(
        `WITH renewed AS (
         UPDATE workflow_runs SET lease_expires_at = now() + ($3 || ' milliseconds')::interval
          WHERE id = $1 AND fence = $2 AND status IN ('pending', 'running')
        RETURNING cancel_requested_at)
         SELECT cancel_requested_at FROM renewed`,
        [runId, fence, String(leaseMs)],
      );
      const row = rows[0];
      return { held: row !== undefined, cancelRequested: row?.cancel_requested_at != null };
    });
  }

  /** Gives the run up (graceful shutdown): another executor may claim it at once. */
  async release(runId: string, fence: string): Promise<void> {
    await dbCall(() =>
      this.dataSource.query(
        `UPDATE workflow_runs SET owner = NULL, lease_expires_at = NULL WHERE id = $1 AND fence = $2`,
        [runId, fence],
      ),
    );
  }

  /**
   * Runs `work` in a transaction that first locks the run row and checks `fence`; throws
   * {@link FenceLostError} (writing nothing) when it is no longer current.
   */
  async fenced<T>(runId: string, fence: string, work: (tx: FencedTransaction) => Promise<T>): Promise<T> {
    return dbCall(() =>
      this.dataSource.transaction(async (manager) => {
        const rows = await manager.query<{ fence: string }[]>(
          `SELECT fence FROM workflow_runs WHERE id = $1 FOR UPDATE`,
          [runId],
        );
        if (rows[0]?.fence !== fence) throw new FenceLostError(runId, fence);
        return work({
          manager,
          nextSeq: async () => {
            const seq = await manager.query<{ event_seq: string }[]>(
              `WITH bumped AS (UPDATE workflow_runs SET event_seq = event_seq + 1, updated_at = now() WHERE id = $1 RETURNING event_seq)
               SELECT event_seq FROM bumped`,
              [runId],
            );
            return seq[0]?.event_seq ?? "0";
          },
        });
      }),
    );
  }

  /**
   * Records a cancel request. A run nobody drives yet (pending, unowned or lease expired) is cancelled
   * here directly, with its steps; a driven one is stopped by its owner. Returns the run after it, and
   * whether it was finished here (so the caller can publish the events).
   */
  async requestCancel(
    runId: string,
    reason = "",
  ): Promise<{ run: WorkflowRunEntity | null; cancelledNow: boolean; seq: string }> {
    return dbCall(() =>
      this.dataSource.transaction(async (manager) => {
        const run = await manager
          .getRepository(WorkflowRunEntity)
          .findOne({ where: { id: runId }, lock: { mode: "pessimistic_write" } });
        if (!run) return { run: null, cancelledNow: false, seq: "0" };
        if (run.status !== "pending" && run.status !== "running")
          return { run, cancelledNow: false, seq: run.eventSeq };
        const now = new Date();
        run.cancelRequestedAt ??= now;
        if (reason) run.error = { code: "CANCELLED", message: reason };
        const undriven =
          run.status === "pending" ||
          run.owner === null ||
          (run.leaseExpiresAt !== null && run.leaseExpiresAt < now);
        if (undriven) {
          run.status = "cancelled";
          run.finishedAt = now;
          run.error = { code: "CANCELLED", message: reason || "cancelled before an executor started it" };
          await manager.query(
            `UPDATE step_runs SET status = 'cancelled', finished_at = now(), updated_at = now() WHERE run_id = $1 AND status IN ('pending', 'running', 'retrying')`,
            [runId],
          );
        }
        run.eventSeq = String(BigInt(run.eventSeq) + 1n);
        run.fence = undriven ? String(BigInt(run.fence) + 1n) : run.fence;
        run.updatedAt = now;
        await manager.getRepository(WorkflowRunEntity).update(
          { id: runId },
          asUpdate<WorkflowRunEntity>({
            status: run.status,
            cancelRequestedAt: run.cancelRequestedAt,
            finishedAt: run.finishedAt,
            error: run.error,
            eventSeq: run.eventSeq,
            fence: run.fence,
            updatedAt: now,
          }),
        );
        return { run, cancelledNow: undriven, seq: run.eventSeq };
      }),
    );
  }
}
