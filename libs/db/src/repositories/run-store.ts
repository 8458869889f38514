import type { DataSource, EntityMetadata } from "typeorm";
import { StepRunEntity } from "../entities/step-run.entity.js";
import { WorkflowRunEntity } from "../entities/workflow-run.entity.js";
import { dbCall, isConnectionError } from "../errors.js";
import { aloneOnFailure, GroupCommit, type CommitBatch, type Outcome } from "../group-commit.js";
import { columnValues, fromRow, toColumns } from "./entity-rows.js";
import { ENDED_SESSION_OWNERS } from "./executor-sessions.js";
import { asUpdate } from "./insert.js";
import { AUDIT_RUN_KEY, auditRow, insertAuditOfRunsSql, type NewAuditEvent } from "./audit-store.js";
import { PreparedStatements } from "./prepared.js";
import { columnSet, RunCreateBatch, type RunCreation } from "./run-create-batch.js";
import { ANY_WORKSPACE, type RunScope } from "./run-queries.js";

/** A run to create, with one pending step row per planned step. */
export interface NewRun {
  readonly run: Omit<
    WorkflowRunEntity,
    | "owner"
    | "leaseExpiresAt"
    | "fence"
    | "eventSeq"
    | "startedAt"
    | "finishedAt"
    | "cancelRequestedAt"
    | "recoveries"
    | "lastDriverError"
    | "wakeAt"
    | "triggerName"
    | "triggerDeliveryId"
    | "scheduleId"
    | "scheduleTickAt"
    | "concurrencyKey"
    | "traceParent"
  > &
    // set only for a run a webhook delivery or a schedule's tick starts
    Partial<
      Pick<
        WorkflowRunEntity,
        "triggerName" | "triggerDeliveryId" | "scheduleId" | "scheduleTickAt" | "traceParent"
      >
    > & {
      /** The run's concurrency key; a run of a live key is inserted queued (see the entity). */
      readonly concurrencyKey?: string | null;
    };
  readonly steps: ReadonlyArray<Omit<StepRunEntity, "run">>;
  /**
   * The audit event of the call that creates the run, committed with it (docs/adr/035): the run and
   * the record of who started it are written together, or neither is.
   */
  readonly audit?: NewAuditEvent;
}

/** Who claims a run as it is created (the executor that will drive it at once), for how long. */
export interface ClaimAtCreate {
  readonly owner: string;
  readonly leaseMs: number;
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

/** Lease state seen by a renewal. */
export interface LeaseState {
  /** False when another executor holds the run now. */
  readonly held: boolean;
  readonly cancelRequested: boolean;
  /** The caller's reason given with the cancel request ("" when none was given). */
  readonly cancelReason: string;
}

/**
 * Durable run state with exactly-one-driver semantics. A claim bumps the run's `fence`; every later
 * write by the claimer (`FencedWrites`) checks that fence in the same statement, so a stale owner
 * (paused, partitioned, lease expired) can never write after someone else claimed the run.
 */
export class RunStore {
  private readonly sql: PreparedStatements;
  private readonly runs: EntityMetadata;
  private readonly steps: EntityMetadata;
  private readonly creations: GroupCommit<RunCreation, WorkflowRunEntity | null>;
  /** Creations of one statement: together, or (the statement refused) one by one. */
  private readonly createSome: CommitBatch<RunCreation, WorkflowRunEntity | null>;

  constructor(private readonly dataSource: DataSource) {
    this.sql = new PreparedStatements(dataSource);
    this.runs = dataSource.getMetadata(WorkflowRunEntity);
    this.steps = dataSource.getMetadata(StepRunEntity);
    const batch = new RunCreateBatch(this.runs, this.steps, this.sql);
    this.createSome = aloneOnFailure(async (creations) =>
      creations.length === 1 ? [{ value: await this.createAlone(creations[0]!) }] : batch.commit(creations),
    );
    this.creations = new GroupCommit((creations) => this.createMany(creations), { keys: creationKeys });
  }

  /**
   * Inserts a run and its steps. With a `requestId` already used, inserts nothing and returns the
   * existing run (`created: false`) — idempotent execute. With `claim`, the run is inserted already
   * claimed, as {@link claim} would leave it (running, fence 1, the claim's event sequence number 1).
   * With group commit (docs/adr/028): alone when no creation is in flight, else in one statement with
   * the other runs created meanwhile; two runs of one request id or one concurrency key never share
   * a statement, and a statement that fails is tried again run by run, so only a run at fault fails.
   * With `input.audit`, the event goes in with the run, in the same statement (`audited`); if that
   * statement is refused, the run is tried once more without it (`audited: false`).
   */
  async create(
    input: NewRun,
    claim?: ClaimAtCreate,
  ): Promise<{ run: WorkflowRunEntity; created: boolean; audited: boolean }> {
    const run: Partial<WorkflowRunEntity> = {
      ...input.run,
      ...(claim ? { status: "running" as const, owner: claim.owner } : { owner: null }),
      fence: claim ? "1" : "0",
      eventSeq: claim ? "1" : "0",
      finishedAt: null,
      cancelRequestedAt: null,
    };
    const creation: RunCreation = {
      run,
      steps: input.steps,
      ...(claim ? { leaseMs: claim.leaseMs } : {}),
    };
    let audited = input.audit !== undefined;
    const inserted = await this.creations
      .submit(
        audited ? { ...creation, audit: { ...auditRow(input.audit!), [AUDIT_RUN_KEY]: run.id } } : creation,
      )
      .catch((err: unknown) => {
        if (!audited || isConnectionError(err)) throw err;
        // The event may be what the database refused, and an audit write never fails a call
        // (docs/adr/022): the run alone, once more; the caller records the event its own way.
        audited = false;
        return this.creations.submit(creation);
      });
    if (inserted) return { run: inserted, created: true, audited };
    // Nothing inserted: the request id was used before (idempotent execute).
    const existing = await dbCall(() =>
      this.dataSource
        .getRepository(WorkflowRunEntity)
        .findOneByOrFail({ workspace: input.run.workspace, requestId: input.run.requestId ?? "" }),
    );
    return { run: existing, created: false, audited: false };
  }

  /** A group commit's batch of creations: its statements ({@link statementsOf}) go at once, each on its own. */
  private async createMany(
    creations: readonly RunCreation[],
  ): Promise<Array<Outcome<WorkflowRunEntity | null>>> {
    const outcomes: Array<Outcome<WorkflowRunEntity | null>> = [];
    await Promise.all(
      statementsOf(creations).map(async (members) => {
        const some = await this.createSome(members.map((i) => creations[i]!)).catch((error: unknown) =>
          members.map(() => ({ error })),
        );
        members.forEach((i, k) => (outcomes[i] = some[k] ?? { error: new Error("no outcome") }));
      }),
    );
    return outcomes;
  }

  /** One run's creation in its own statement (see {@link create}; the batch does the same for many). */
  private async createAlone(creation: RunCreation): Promise<WorkflowRunEntity | null> {
    const params: unknown[] = [];
    const run = columnValues(this.runs, creation.run, params);
    // lease and start from the database clock, as a claim takes them
    if (creation.leaseMs !== undefined) {
      params.push(String(creation.leaseMs));
      run.push(["lease_expires_at", `now() + ($${params.length} || ' milliseconds')::interval`]);
      run.push(["started_at", "now()"]);
    } else {
      run.push(["lease_expires_at", "NULL"], ["started_at", "NULL"]);
    }
    // the steps as one jsonb array of rows keyed by column name, expanded by jsonb_populate_recordset
    params.push(JSON.stringify(creation.steps.map((step) => toColumns(this.steps, step))));
    const steps = params.length;
    // the call's audit event, named only when there is one (a statement that names the table fails
    // when the table does: the retry without the event must not)
    let audit = "";
    if (creation.audit) {
      params.push(JSON.stringify([creation.audit]));
      audit = `,
       audit AS (
         ${insertAuditOfRunsSql(`$${params.length}`)})`;
    }
    // One statement, so atomic without a transaction: the steps and the audit event go in only with the run.
    const rows = await this.sql.rows<Record<string, unknown>>(
      `WITH run AS (
         INSERT INTO workflow_runs (${run.map(([column]) => column).join(", ")})
         VALUES (${run.map(([, value]) => value).join(", ")})
         ON CONFLICT DO NOTHING RETURNING *),
       steps AS (
         INSERT INTO step_runs
         SELECT * FROM jsonb_populate_recordset(NULL::step_runs, $${steps}::jsonb)
          WHERE EXISTS (SELECT 1 FROM run))${audit}
       SELECT * FROM run`,
      params,
    );
    const inserted = rows[0];
    return inserted ? fromRow<WorkflowRunEntity>(this.runs, inserted) : null;
  }

  /**
   * Claims a run for `owner` for `leaseMs`: the given one if it is claimable, else (no `runId`) the
   * oldest claimable one — pending or unowned, or (unless `expiredLeases: false`) running with an
   * expired lease (its owner died or stalled: a recovery, counted in `recoveries`); a parked run
   * (`wake_at` set, no owner) only once its wake time has come, and without counting a recovery. Never one of
   * `exclude` (the runs the caller drives already). Skips rows another claimer has locked. Returns
   * the claimed run with its new fence, or null. The claim takes the run's next event sequence
   * number (`eventSeq`), for the "running" event the driver publishes.
   */
  async claim(
    owner: string,
    leaseMs: number,
    options: { runId?: string; exclude?: readonly string[]; expiredLeases?: boolean } = {},
  ): Promise<WorkflowRunEntity | null> {
    // separate statements, not one with "$3 IS NULL OR id = $3": each keeps its own (index) plan when prepared
    const params: unknown[] = [owner, String(leaseMs)];
    const conditions: string[] = [];
    if (options.runId !== undefined) {
      params.push(options.runId);
      conditions.push(`AND id = $${params.length}`);
    }
    if (options.exclude !== undefined && options.exclude.length > 0) {
      params.push([...options.exclude]);
      conditions.push(`AND id <> ALL($${params.length}::uuid[])`);
    }
    const claimable =
      options.expiredLeases === false ? "owner IS NULL" : "(owner IS NULL OR lease_expires_at < now())";
    return this.claimWhere(`${claimable} ${conditions.join(" ")}`, params);
  }

  /**
   * Claims, like {@link claim}, the oldest live run owned by one of `owners` whose executor session
   * has ended (ADR 024: the process died and PostgreSQL freed its session lock), whatever its lease
   * says; never one of `exclude`. The session's end is checked again in the claiming statement
   * itself. Same fence bump, recovery count and event sequence number as any claim. Null when none.
   */
  async claimFromEndedSession(
    owner: string,
    leaseMs: number,
    owners: readonly string[],
    exclude: readonly string[] = [],
  ): Promise<WorkflowRunEntity | null> {
    const params: unknown[] = [owner, String(leaseMs), [...owners], [...exclude]];
    return this.claimWhere(
      `owner = ANY($3::text[]) AND owner IN (${ENDED_SESSION_OWNERS}) AND id <> ALL($4::uuid[])`,
      params,
    );
  }

  /**
   * The one claim statement: the oldest live, awake run matching `candidate` (rows other claimers
   * hold locked are skipped) gets owner `$1`, a lease of `$2` ms, the next fence and event sequence
   * number; a run that had an owner counts one more recovery.
   */
  private async claimWhere(candidate: string, params: unknown[]): Promise<WorkflowRunEntity | null> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      `UPDATE workflow_runs r
          SET owner = $1, lease_expires_at = now() + ($2 || ' milliseconds')::interval, fence = r.fence + 1,
              status = CASE WHEN r.status = 'pending' THEN 'running' ELSE r.status END,
              recoveries = CASE WHEN r.owner IS NULL THEN r.recoveries ELSE r.recoveries + 1 END,
              started_at = COALESCE(r.started_at, now()), updated_at = now(), event_seq = r.event_seq + 1,
              wake_at = NULL
        WHERE r.id = (
          SELECT id FROM workflow_runs
           WHERE status IN ('pending', 'running')
             AND (wake_at IS NULL OR wake_at <= now())
             AND ${candidate}
           ORDER BY created_at, id
           LIMIT 1
           FOR UPDATE SKIP LOCKED)
      RETURNING r.*`,
      params,
    );
    const claimed = rows[0];
    return claimed
      ? fromRow<WorkflowRunEntity>(this.dataSource.getMetadata(WorkflowRunEntity), claimed)
      : null;
  }

  /** Gives the run up after its driver failed, noting why (see `lastDriverError`); another claim may take it at once. */
  async giveUp(runId: string, fence: string, why: string): Promise<void> {
    await this.sql.rows(
      `UPDATE workflow_runs SET owner = NULL, lease_expires_at = NULL, last_driver_error = $3,
              recoveries = recoveries + 1
        WHERE id = $1 AND fence = $2 AND status IN ('pending', 'running')`,
      [runId, fence, why],
    );
  }

  /** Extends the lease if `fence` is still current; reports whether a cancel was requested. */
  async renew(runId: string, fence: string, leaseMs: number): Promise<LeaseState> {
    const rows = await this.sql.rows<{ cancel_requested_at: Date | null; cancel_reason: string | null }>(
      `UPDATE workflow_runs SET lease_expires_at = now() + ($3 || ' milliseconds')::interval
        WHERE id = $1 AND fence = $2 AND status IN ('pending', 'running')
      RETURNING cancel_requested_at,
                CASE WHEN error->>'code' = 'CANCELLED' THEN error->>'message' END AS cancel_reason`,
      [runId, fence, String(leaseMs)],
    );
    const row = rows[0];
    return {
      held: row !== undefined,
      cancelRequested: row?.cancel_requested_at != null,
      cancelReason: row?.cancel_reason ?? "",
    };
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
   * Records a cancel request. A run nobody drives yet (pending, unowned or lease expired) is cancelled
   * here directly, with its steps; a driven one is stopped by its owner. The reason becomes the run's
   * error message (the first request's, when several come); a driver reads it back with
   * {@link renew}. Returns the run after it, and whether it was finished here (so the caller can
   * publish the events). A run that already ended is returned unchanged.
   */
  async requestCancel(
    scope: RunScope,
    runId: string,
    reason = "",
  ): Promise<{ run: WorkflowRunEntity | null; cancelledNow: boolean; seq: string }> {
    return dbCall(() =>
      this.dataSource.transaction(async (manager) => {
        const run = await manager.getRepository(WorkflowRunEntity).findOne({
          where: { id: runId, ...(scope === ANY_WORKSPACE ? {} : { workspace: scope }) },
          lock: { mode: "pessimistic_write" },
        });
        if (!run) return { run: null, cancelledNow: false, seq: "0" };
        if (run.status !== "pending" && run.status !== "running")
          return { run, cancelledNow: false, seq: run.eventSeq };
        const now = new Date();
        if (reason && run.cancelRequestedAt === null) run.error = { code: "CANCELLED", message: reason };
        run.cancelRequestedAt ??= now;
        const undriven =
          run.status === "pending" ||
          run.owner === null ||
          (run.leaseExpiresAt !== null && run.leaseExpiresAt < now);
        if (undriven) {
          run.status = "cancelled";
          run.finishedAt = now;
          const given = cancelMessage(run.error);
          run.error = { code: "CANCELLED", message: given || "cancelled before an executor started it" };
          await manager.query(
            `UPDATE step_runs SET status = 'cancelled', finished_at = now(), updated_at = now(),
                    error = jsonb_build_object('code', 'CANCELLED', 'message', $2::text)
              WHERE run_id = $1 AND status IN ('pending', 'running', 'retrying', 'waiting')`,
            [runId, given ? `run cancelled: ${given}` : "run cancelled"],
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

/** The message of a recorded `CANCELLED` error ("" for any other error or none). */
function cancelMessage(error: Record<string, unknown> | null): string {
  return error?.["code"] === "CANCELLED" && typeof error["message"] === "string" ? error["message"] : "";
}

/**
 * What two creations must not share a statement over: a request id (the second finds the first's
 * run) and a concurrency key (the queueing trigger orders the key's runs one by one).
 */
function creationKeys(creation: RunCreation): string[] {
  const { run } = creation;
  const keys: string[] = [];
  if (run.requestId) keys.push(`request:${run.workspace}/${run.requestId}`);
  if (run.concurrencyKey)
    keys.push(`concurrency:${run.workflowId ?? run.workflowName}/${run.concurrencyKey}`);
  return keys;
}

/**
 * The statements a batch of creations goes in, as indexes into it: one per set of run columns, and
 * a run of a concurrency key always alone (the queueing trigger takes the key's lock, and one
 * statement holding several keys' locks could deadlock with another executor's).
 */
function statementsOf(creations: readonly RunCreation[]): number[][] {
  const bySet = new Map<string, number[]>();
  const alone: number[][] = [];
  creations.forEach((creation, i) => {
    if (creation.run.concurrencyKey) return void alone.push([i]);
    const set = columnSet(creation);
    const members = bySet.get(set);
    if (members) members.push(i);
    else bySet.set(set, [i]);
  });
  return [...bySet.values(), ...alone];
}
