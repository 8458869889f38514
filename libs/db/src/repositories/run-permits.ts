import type { DataSource, EntityManager } from "typeorm";
import { dbCall } from "../errors.js";
import { FenceLostError } from "./run-store.js";

/** The MCP whose permits a step takes: its id, name (for people) and its version's limit. */
export interface LimitedMcp {
  readonly id: string;
  readonly name: string;
  readonly maxConcurrency: number;
}

/** What {@link RunPermits.acquire} did. */
export type PermitAnswer =
  | { readonly held: true }
  /** Queued (FIFO): `ahead` steps wait before this one; `woken` are runs whose turn came (tell the executors). */
  | { readonly held: false; readonly ahead: number; readonly woken: readonly string[] };

/** A step of a run waiting for a permit, as GetRun shows it. */
export interface PermitWait {
  readonly stepKey: string;
  readonly mcpName: string;
  readonly maxConcurrency: number;
  /** Steps of other runs (or this one) queued before it. */
  readonly ahead: number;
}

/**
 * A permit counts while its run is live, owned (it has a lease) and still has the fence it was taken
 * with. A lapsed lease alone does not free it: the executor may be alive and its renewal late, with
 * the step still running. A dead executor's permits come back when its runs are taken over (a new
 * fence: at once when PostgreSQL ended its session, ADR 024, else once the lease has expired) or
 * end; a parked or released run (no lease) holds none.
 */
const DEAD_PERMIT = `r.id = p.run_id AND (r.fence <> p.fence OR r.status NOT IN ('pending', 'running')
                       OR r.lease_expires_at IS NULL)`;

/**
 * Cluster-wide permits of MCPs that declare `max_concurrency` (ADR 018): at most that many steps of
 * the MCP hold one at a time, whichever executor runs them; the others queue first come first served
 * (`mcp_permit_waiters`). Every call runs in one transaction under an advisory lock of the MCP, so the
 * count, the queue and the grant are exact across replicas. Only steps of limited MCPs come here:
 * steps without a limit never touch these tables.
 */
export class RunPermits {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Takes a permit of `mcp` for `stepKey` of the run (fenced): granted when fewer than
   * `mcp.maxConcurrency` live permits are held and no step queued earlier is still waiting for one
   * of the free ones; otherwise the step joins (or keeps its place in) the queue. A step holding a
   * permit under this fence already keeps it. Dead permits and waiters of ended runs are cleared
   * first. When permits are free for steps queued before this one, their runs are woken.
   *
   * @throws FenceLostError when the run is no longer held under `fence`.
   */
  async acquire(runId: string, fence: string, stepKey: string, mcp: LimitedMcp): Promise<PermitAnswer> {
    return dbCall(() =>
      this.dataSource.transaction(async (m) => {
        await lockMcp(m, mcp.id);
        const held = await m.query<unknown[]>(
          "SELECT 1 FROM workflow_runs WHERE id = $1 AND fence = $2 AND status IN ('pending', 'running')",
          [runId, fence],
        );
        if (held.length === 0) throw new FenceLostError(runId, fence);
        const holding = await live(m, mcp.id);
        const mine = await m.query<unknown[]>(
          "SELECT 1 FROM mcp_permits WHERE run_id = $1 AND step_key = $2 AND fence = $3",
          [runId, stepKey, fence],
        );
        if (mine.length > 0) return { held: true };
        const waiter = await m.query<Array<{ id: string }>>(
          "SELECT id FROM mcp_permit_waiters WHERE run_id = $1 AND step_key = $2",
          [runId, stepKey],
        );
        const myId = waiter[0]?.id;
        const aheadRows = await m.query<Array<{ n: string }>>(
          `SELECT count(*) AS n FROM mcp_permit_waiters
            WHERE mcp_id = $1 AND ($2::bigint IS NULL OR id < $2::bigint)`,
          [mcp.id, myId ?? null],
        );
        const ahead = Number(aheadRows[0]?.n ?? 0);
        if (holding + ahead < mcp.maxConcurrency) {
          await m.query(
            `INSERT INTO mcp_permits (run_id, step_key, mcp_id, fence) VALUES ($1, $2, $3, $4)
             ON CONFLICT (run_id, step_key) DO UPDATE SET fence = EXCLUDED.fence, acquired_at = now()`,
            [runId, stepKey, mcp.id, fence],
          );
          if (myId !== undefined) await m.query("DELETE FROM mcp_permit_waiters WHERE id = $1", [myId]);
          return { held: true };
        }
        if (myId === undefined) {
          await m.query(
            `INSERT INTO mcp_permit_waiters (mcp_id, mcp_name, max_concurrency, run_id, step_key)
             VALUES ($1, $2, $3, $4, $5)`,
            [mcp.id, mcp.name, mcp.maxConcurrency, runId, stepKey],
          );
        }
        const woken = await wakeNext(m, mcp.id, mcp.maxConcurrency - holding, runId);
        return { held: false, ahead, woken };
      }),
    );
  }

  /**
   * Gives the permit of `stepKey` taken under `fence` back and wakes the runs of the steps first in
   * the queue for the permits now free. Resolves with the woken run ids. A stale driver's release
   * (the run was taken over, and its new driver may hold the step's permit again) frees nothing.
   */
  async release(runId: string, fence: string, stepKey: string, mcp: LimitedMcp): Promise<string[]> {
    return dbCall(() =>
      this.dataSource.transaction(async (m) => {
        await lockMcp(m, mcp.id);
        await m.query("DELETE FROM mcp_permits WHERE run_id = $1 AND step_key = $2 AND fence = $3", [
          runId,
          stepKey,
          fence,
        ]);
        const holding = await live(m, mcp.id);
        return wakeNext(m, mcp.id, mcp.maxConcurrency - holding, null);
      }),
    );
  }

  /**
   * Takes `stepKeys` of the run out of the MCP's queue (items of a `for_each` step that will not
   * run: it stopped) and wakes the runs first in the queue for the permits now free. Resolves with
   * the woken run ids. Under a stale `fence` (the run was taken over: its new driver's items keep
   * their places) it takes nothing out.
   */
  async withdraw(
    runId: string,
    fence: string,
    stepKeys: readonly string[],
    mcp: LimitedMcp,
  ): Promise<string[]> {
    if (stepKeys.length === 0) return [];
    return dbCall(() =>
      this.dataSource.transaction(async (m) => {
        await lockMcp(m, mcp.id);
        await m.query(
          `DELETE FROM mcp_permit_waiters
            WHERE mcp_id = $1 AND run_id = $2 AND step_key = ANY($3::text[])
              AND EXISTS (SELECT 1 FROM workflow_runs WHERE id = $2 AND fence = $4)`,
          [mcp.id, runId, stepKeys, fence],
        );
        const holding = await live(m, mcp.id);
        return wakeNext(m, mcp.id, mcp.maxConcurrency - holding, runId);
      }),
    );
  }

  /** The steps of the run waiting for a permit, with their place in their MCP's queue. */
  async waitsOf(runId: string): Promise<PermitWait[]> {
    const rows = await dbCall(() =>
      this.dataSource.query<
        Array<{ step_key: string; mcp_name: string; max_concurrency: number; ahead: string }>
      >(
        `SELECT w.step_key, w.mcp_name, w.max_concurrency,
                (SELECT count(*) FROM mcp_permit_waiters o WHERE o.mcp_id = w.mcp_id AND o.id < w.id) AS ahead
           FROM mcp_permit_waiters w WHERE w.run_id = $1 ORDER BY w.id`,
        [runId],
      ),
    );
    return rows.map((r) => ({
      stepKey: r.step_key,
      mcpName: r.mcp_name,
      maxConcurrency: r.max_concurrency,
      ahead: Number(r.ahead),
    }));
  }
}

/** Serialises every permit call of one MCP (transaction-scoped). */
async function lockMcp(m: EntityManager, mcpId: string): Promise<void> {
  await m.query("SELECT pg_advisory_xact_lock(hashtextextended('mcp-permits:' || $1, 0))", [mcpId]);
}

/** Clears the MCP's dead permits and the waiters of ended runs; returns the live permits held. */
async function live(m: EntityManager, mcpId: string): Promise<number> {
  await m.query(`DELETE FROM mcp_permits p USING workflow_runs r WHERE p.mcp_id = $1 AND ${DEAD_PERMIT}`, [
    mcpId,
  ]);
  await m.query(
    `DELETE FROM mcp_permit_waiters w USING workflow_runs r
      WHERE w.mcp_id = $1 AND r.id = w.run_id AND r.status NOT IN ('pending', 'running')`,
    [mcpId],
  );
  const rows = await m.query<Array<{ n: string }>>(
    "SELECT count(*) AS n FROM mcp_permits WHERE mcp_id = $1",
    [mcpId],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Wakes the runs of the first `free` waiters of the MCP (their `wake_at` becomes now; a run being
 * driven keeps it through its park, see RunWaits.park), except `self`. Returns the woken run ids.
 */
async function wakeNext(
  m: EntityManager,
  mcpId: string,
  free: number,
  self: string | null,
): Promise<string[]> {
  if (free <= 0) return [];
  const rows = await m.query<Array<{ id: string }>>(
    // a SELECT around the UPDATE: TypeORM answers an UPDATE with [rows, count]
    `WITH woken AS (
       UPDATE workflow_runs SET wake_at = now()
        WHERE id IN (SELECT run_id FROM mcp_permit_waiters WHERE mcp_id = $1 ORDER BY id LIMIT $2)
          AND status IN ('pending', 'running') AND id IS DISTINCT FROM $3::uuid
        RETURNING id)
     SELECT id FROM woken`,
    [mcpId, free, self],
  );
  return rows.map((r) => r.id);
}
