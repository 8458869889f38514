import type { DataSource, EntityManager } from "typeorm";
import type { JsonObject, JsonValue } from "../entities/mcp-version.entity.js";
import { WorkflowRunEntity } from "../entities/workflow-run.entity.js";
import { dbCall } from "../errors.js";
import { fromRow } from "./entity-rows.js";
import { PreparedStatements } from "./prepared.js";
import { FenceLostError } from "./run-store.js";

/** Run statuses a signal or a decision may still reach. */
const LIVE = "status IN ('pending', 'running')";

/**
 * Wakes a run parked or about to park: its `wake_at` becomes now. A driven run keeps running (the
 * claim needs no owner); when its driver parks it, {@link RunWaits.park} sees the earlier wake and
 * leaves it claimable at once. Run inside the caller's transaction, after its change.
 */
const POKE = `UPDATE workflow_runs SET wake_at = now() WHERE id = $1 AND ${LIVE}`;

/** What {@link RunWaits.sendSignal} did. */
export interface SentSignal {
  /** The run as it was when the signal was recorded (its status tells whether it had finished). */
  readonly run: WorkflowRunEntity;
  /** False when the run had finished: nothing was recorded. */
  readonly recorded: boolean;
  /** A step was waiting for a signal of this name (it is woken to receive it). */
  readonly delivered: boolean;
}

/** An approval step's decision as stored in `step_runs.approval`. */
export interface StoredDecision {
  readonly approved: boolean;
  readonly decidedBy: string;
  readonly comment: string;
  readonly decidedAt: Date;
}

/** What {@link RunWaits.decide} found. */
export type DecideResult =
  | { readonly kind: "no-run" }
  | { readonly kind: "no-step"; readonly run: WorkflowRunEntity }
  | { readonly kind: "finished"; readonly run: WorkflowRunEntity }
  | {
      readonly kind: "decided";
      readonly run: WorkflowRunEntity;
      readonly decision: StoredDecision;
      readonly now: boolean;
    };

/**
 * Parked runs and what wakes them: signals (`run_signals`), approval decisions (`step_runs.approval`)
 * and the park itself (`workflow_runs.wake_at`, owner cleared). The senders' side (SignalRun,
 * DecideApproval) and the driver's side (fenced: only the run's current owner parks it or receives a
 * signal) meet on the run row's lock, so a signal or decision that arrives while the driver is
 * parking the run is never missed: either the driver reads it, or the sender sees the step waiting
 * and wakes the run (see {@link POKE}).
 */
export class RunWaits {
  private readonly sql: PreparedStatements;

  constructor(private readonly dataSource: DataSource) {
    this.sql = new PreparedStatements(dataSource);
  }

  /**
   * Parks the run (fenced): no owner, no lease, claimable again at `wakeAt` (null = only when woken).
   * A wake or a cancel request that arrived during this drive makes it claimable at once. Does not
   * count as a recovery: a claim of an unowned run never does. Returns the event sequence number.
   */
  async park(runId: string, fence: string, wakeAt: Date | null): Promise<string> {
    const rows = await this.sql.rows<{ event_seq: string }>(
      `UPDATE workflow_runs
          SET owner = NULL, lease_expires_at = NULL, updated_at = now(), event_seq = event_seq + 1,
              wake_at = CASE WHEN cancel_requested_at IS NOT NULL THEN now()
                             WHEN wake_at IS NOT NULL THEN LEAST(wake_at, COALESCE($3::timestamptz, 'infinity'))
                             ELSE COALESCE($3::timestamptz, 'infinity') END
        WHERE id = $1 AND fence = $2 AND ${LIVE}
      RETURNING event_seq`,
      [runId, fence, wakeAt],
    );
    const seq = rows[0]?.event_seq;
    if (seq === undefined) throw new FenceLostError(runId, fence);
    return String(seq);
  }

  /**
   * The signal `stepId` receives (fenced): the one it received before (a resumed step), else the
   * oldest unreceived signal named `signal`, now marked received by it; null when none was sent.
   */
  async takeSignal(
    runId: string,
    fence: string,
    stepId: string,
    signal: string,
  ): Promise<{ payload: JsonValue | null } | null> {
    return dbCall(() =>
      this.dataSource.transaction(async (manager) => {
        const held = await manager.query<unknown[]>(
          "SELECT 1 FROM workflow_runs WHERE id = $1 AND fence = $2 FOR UPDATE",
          [runId, fence],
        );
        if (held.length === 0) throw new FenceLostError(runId, fence);
        const rows = await manager.query<Array<{ payload: JsonValue | null }>>(
          `WITH prior AS (SELECT id, payload FROM run_signals WHERE run_id = $1 AND consumed_by_step = $2
                           ORDER BY id LIMIT 1),
                next AS (SELECT id FROM run_signals
                          WHERE run_id = $1 AND signal = $3 AND consumed_by_step IS NULL
                            AND NOT EXISTS (SELECT 1 FROM prior)
                          ORDER BY id LIMIT 1),
                took AS (UPDATE run_signals s SET consumed_by_step = $2, consumed_at = now()
                           FROM next WHERE s.id = next.id RETURNING s.payload)
           SELECT payload FROM prior UNION ALL SELECT payload FROM took`,
          [runId, stepId, signal],
        );
        const row = rows[0];
        return row ? { payload: row.payload } : null;
      }),
    );
  }

  /** The decision recorded for the top-level approval step `stepId`, or null while undecided. */
  async decision(runId: string, stepId: string): Promise<StoredDecision | null> {
    const rows = await this.sql.rows<{ approval: JsonObject | null }>(
      "SELECT approval FROM step_runs WHERE run_id = $1 AND step_id = $2 AND parent_step_run_id IS NULL",
      [runId, stepId],
    );
    return decisionOf(rows[0]?.approval ?? null);
  }

  /**
   * Records a signal for a live run (kept until a step of that name receives it; once per
   * `requestId`), and wakes the run when a step waits for it now. Null when there is no such run.
   */
  async sendSignal(input: {
    runId: string;
    signal: string;
    payload: JsonValue | null;
    requestId: string | null;
    sentBy: string;
  }): Promise<SentSignal | null> {
    return dbCall(() =>
      this.dataSource.transaction(async (manager) => {
        const run = await lockRun(manager, input.runId);
        if (!run) return null;
        if (run.status !== "pending" && run.status !== "running")
          return { run, recorded: false, delivered: false };
        await manager.query(
          `INSERT INTO run_signals (run_id, signal, payload, request_id, sent_by)
           VALUES ($1, $2, $3::jsonb, $4, $5)
           ON CONFLICT (run_id, request_id) WHERE request_id IS NOT NULL DO NOTHING`,
          [input.runId, input.signal, JSON.stringify(input.payload), input.requestId, input.sentBy],
        );
        const waiting = await manager.query<unknown[]>(
          `SELECT 1 FROM step_runs WHERE run_id = $1 AND status = 'waiting' AND kind = 'wait_for_signal'
              AND signal = $2 AND parent_step_run_id IS NULL LIMIT 1`,
          [input.runId, input.signal],
        );
        if (waiting.length > 0) await manager.query(POKE, [input.runId]);
        return { run, recorded: true, delivered: waiting.length > 0 };
      }),
    );
  }

  /**
   * Records a decision on the approval step `stepId` (before or while it waits) and wakes the run
   * when the step waits now. A step already decided keeps its first decision (`now: false`).
   */
  async decide(input: {
    runId: string;
    stepId: string;
    approved: boolean;
    comment: string;
    decidedBy: string;
  }): Promise<DecideResult> {
    return dbCall(() =>
      this.dataSource.transaction(async (manager) => {
        const run = await lockRun(manager, input.runId);
        if (!run) return { kind: "no-run" };
        const steps = await manager.query<Array<{ status: string; approval: JsonObject | null }>>(
          `SELECT status, approval FROM step_runs
            WHERE run_id = $1 AND step_id = $2 AND parent_step_run_id IS NULL AND kind = 'approval'`,
          [input.runId, input.stepId],
        );
        const step = steps[0];
        if (!step) return { kind: "no-step", run };
        const earlier = decisionOf(step.approval);
        if (earlier) return { kind: "decided", run, decision: earlier, now: false };
        if (run.status !== "pending" && run.status !== "running") return { kind: "finished", run };
        const decidedAt = new Date();
        const decided: JsonObject = {
          decided: true,
          approved: input.approved,
          decided_by: input.decidedBy,
          comment: input.comment,
          decided_at: decidedAt.toISOString(),
        };
        await manager.query(
          `UPDATE step_runs SET approval = COALESCE(approval, '{}'::jsonb) || $3::jsonb, updated_at = now()
            WHERE run_id = $1 AND step_id = $2 AND parent_step_run_id IS NULL`,
          [input.runId, input.stepId, JSON.stringify(decided)],
        );
        if (step.status === "waiting") await manager.query(POKE, [input.runId]);
        const decision = {
          approved: input.approved,
          decidedBy: input.decidedBy,
          comment: input.comment,
          decidedAt,
        };
        return { kind: "decided", run, decision, now: true };
      }),
    );
  }
}

async function lockRun(manager: EntityManager, runId: string): Promise<WorkflowRunEntity | null> {
  const rows = await manager.query<Record<string, unknown>[]>(
    "SELECT * FROM workflow_runs WHERE id = $1 FOR UPDATE",
    [runId],
  );
  const row = rows[0];
  return row ? fromRow<WorkflowRunEntity>(manager.connection.getMetadata(WorkflowRunEntity), row) : null;
}

/** The decision in a stored `approval` object, or null while undecided. */
export function decisionOf(approval: JsonObject | null): StoredDecision | null {
  if (!approval || approval["decided"] !== true) return null;
  const at = approval["decided_at"];
  return {
    approved: approval["approved"] === true,
    decidedBy: typeof approval["decided_by"] === "string" ? approval["decided_by"] : "",
    comment: typeof approval["comment"] === "string" ? approval["comment"] : "",
    decidedAt: typeof at === "string" ? new Date(at) : new Date(0),
  };
}
