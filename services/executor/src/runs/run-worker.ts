import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import type { Lock, Subscription } from "@mcp/coordination";
import { isConnectionError, type RunStore, type WorkflowRunEntity } from "@mcp/db";
import { traceIdOf, type Logger } from "@mcp/runtime";
import type { RunEvents } from "../events/run-events.js";
import type { RunDriver } from "./run-driver.js";
import type { DecodedPlan } from "./plan-codec.js";
import type { ClaimedCreate } from "./run-starter.js";

/** See {@link RunWorker.reserve}. */
export interface Reservation {
  readonly claim: ClaimedCreate;
  /** Drives the run created with the claim; `plan`: its plan, when the caller holds it decoded. */
  drive(run: WorkflowRunEntity, plan?: DecodedPlan): void;
  release(): void;
}

/** Options of {@link RunWorker}. */
export interface RunWorkerOptions {
  /** This executor's identity in `workflow_runs.owner`. */
  readonly owner: string;
  readonly leaseMs: number;
  /** Most runs this executor drives at once. */
  readonly maxConcurrentRuns: number;
  /** How often to look for claimable runs (new ones, and ones whose owner died). */
  readonly pollMs: number;
  /**
   * This executor's session (ADR 024), when fast failover is on: runs are claimed only while it is
   * held, since the others would take them over at once otherwise.
   */
  readonly session?: { readonly held: boolean };
}

/**
 * Claims runs from PostgreSQL and drives them: when woken by a new run, and on a timer that also
 * picks up runs whose owner died (lease expired) — which is how an executor recovers abandoned runs
 * at start-up. Any number of replicas may run; `FOR UPDATE SKIP LOCKED` and the fence make each run
 * driven by one at a time.
 */
export class RunWorker {
  private readonly active = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private wakeSub: Subscription | undefined;
  private claiming: Promise<void> | undefined;
  private again = false;
  /** Room reserved by {@link reserve}: it counts against capacity until driven or released. */
  private reserved = 0;
  /** A claim failed because PostgreSQL was unreachable (see claimAll). */
  private outage = false;
  /** Until then, runs with an expired lease are left to their owners (just after an outage). */
  private ownersFirstUntil = 0;
  private outageLogged = false;
  /** Claiming stopped at capacity (or a reservation was refused): look again as soon as a run ends. */
  private backlog = false;
  /** Executors whose session ended while they owned runs (see takeOver), until none of their runs is left. */
  private endedOwners: readonly string[] = [];

  constructor(
    private readonly store: RunStore,
    private readonly driver: RunDriver,
    private readonly events: RunEvents,
    private readonly logger: Logger,
    private readonly options: RunWorkerOptions,
  ) {}

  async start(): Promise<void> {
    // every driven run listens on the stop signal; up to maxConcurrentRuns at once is expected
    setMaxListeners(this.options.maxConcurrentRuns + 10, this.stopping.signal);
    try {
      this.wakeSub = await this.events.onWake(() => this.kick());
    } catch (err) {
      // Without Redis pub/sub the executor still finds new runs by polling, only later.
      this.logger.warn({ err }, "cannot subscribe to run wake-ups; finding runs by polling only");
    }
    this.timer = setInterval(() => this.kick(), this.options.pollMs);
    this.kick();
  }

  /** Claims as many runs as capacity allows (coalescing concurrent kicks). */
  kick(): void {
    if (this.stopping.signal.aborted) return;
    if (this.claiming) {
      this.again = true;
      return;
    }
    this.claiming = this.claimAll()
      .catch((err: unknown) => {
        // a database outage is logged once, not at every poll
        const repeat = isConnectionError(err) && this.outageLogged;
        if (isConnectionError(err)) this.outageLogged = true;
        if (!repeat) {
          this.logger.warn({ err }, "claiming runs failed; will retry");
        }
      })
      .finally(() => {
        this.claiming = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /**
   * Takes over the runs of `owners`, executors whose session has ended (they died: ADR 024), now
   * rather than when their leases expire, as capacity allows. Not within one lease after this
   * executor's own session or database came back (the owners may be reconnecting too).
   */
  takeOver(owners: readonly string[]): void {
    this.endedOwners = owners;
    this.kick();
  }

  /**
   * This executor's session was lost (`held` false) or held again: a loss counts as a database outage,
   * so runs are claimed again only once it is back, and expired leases and ended sessions are left
   * to their owners for one lease more (they may be reconnecting too).
   */
  sessionChanged(held: boolean): void {
    if (!held) {
      this.outage = true;
      return;
    }
    this.kick();
  }

  /**
   * Room for a run about to be created here and claimed as it is created (`claim`); undefined when
   * this executor is full. Exactly one of `drive` (the run was created claimed) or `release` must
   * follow; `release` after `drive` does nothing. The run's id is chosen here and its Redis lock
   * taken at once, so the lock's round trip overlaps the run's creation instead of following it;
   * `release` gives the lock back.
   */
  reserve(): Reservation | undefined {
    if (this.stopping.signal.aborted || this.options.session?.held === false) return undefined;
    if (this.active.size + this.reserved >= this.options.maxConcurrentRuns) {
      this.backlog = true;
      return undefined;
    }
    this.reserved += 1;
    const runId = randomUUID();
    const lock = this.driver.lockNew(runId);
    const giveBack = () => void lock.then((held) => held?.release()).catch(() => false);
    let open = true;
    const close = () => {
      if (open) this.reserved -= 1;
      open = false;
    };
    return {
      claim: { owner: this.options.owner, leaseMs: this.options.leaseMs, runId },
      drive: (run, plan) => {
        if (!open) throw new Error("reservation already used");
        close();
        if (run.id === runId) return this.drive(run, false, plan, lock);
        giveBack();
        this.drive(run, false, plan);
      },
      release: () => {
        if (!open) return;
        close();
        giveBack();
      },
    };
  }

  /** Number of runs being driven now. */
  get load(): number {
    return this.active.size;
  }

  /**
   * Stops claiming; gives in-flight runs `graceMs` to finish, then releases the rest so another
   * executor resumes them at once (their completed steps are not run again).
   */
  async stop(graceMs: number): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.wakeSub?.close();
    await this.claiming;
    const all = Promise.allSettled([...this.active.values()]);
    const timedOut = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(true), graceMs).unref()),
    ]);
    if (timedOut) {
      this.stopping.abort();
      await all;
    }
    this.stopping.abort();
  }

  private async claimAll(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      if (this.active.size + this.reserved >= this.options.maxConcurrentRuns) {
        this.backlog = true;
        return;
      }
      // without its session this executor counts as dead: whatever it claimed would be taken over
      if (this.options.session?.held === false) return;
      let run: WorkflowRunEntity | null = null;
      let takenOver = false;
      // just after an outage (before the first claim that worked, and one lease from it), owners first
      const ownersFirst = this.outage || Date.now() < this.ownersFirstUntil;
      // never a run this process drives already (its lease may have run out in an outage)
      const exclude = [...this.active.keys()];
      try {
        // a dead executor's runs first: they were under way
        if (this.endedOwners.length > 0 && !ownersFirst) {
          run = await this.store.claimFromEndedSession(
            this.options.owner,
            this.options.leaseMs,
            this.endedOwners,
            exclude,
          );
          if (run) takenOver = true;
          else this.endedOwners = [];
        }
        run ??= await this.store.claim(this.options.owner, this.options.leaseMs, {
          exclude,
          expiredLeases: !ownersFirst,
        });
      } catch (err) {
        if (isConnectionError(err)) this.outage = true;
        throw err;
      }
      if (this.outage) {
        // PostgreSQL is back after an outage in which every live owner's lease ran out: give the
        // owners one lease to renew before expired leases count as dead owners' runs again
        this.outage = false;
        this.outageLogged = false;
        this.ownersFirstUntil = Date.now() + this.options.leaseMs;
        this.logger.info(
          "database reachable again: claiming runs (expired leases left to their owners for one lease)",
        );
      }
      if (!run) {
        this.backlog = false;
        return;
      }
      this.drive(run, takenOver);
    }
  }

  /**
   * A run parked until `at` (engine/waiting.ts) is found by the poll at the latest; one due sooner than
   * the next poll gets a timer, so a short sleep does not last a whole poll interval longer.
   */
  private kickAt(at: Date): void {
    const delay = at.getTime() - Date.now();
    if (delay >= this.options.pollMs || this.stopping.signal.aborted) return;
    setTimeout(() => this.kick(), Math.max(0, delay) + 5).unref();
  }

  /**
   * Drives a claimed run; `takenOver` = from an executor whose session ended (its run lock is seized);
   * `lock`: its lock, when taken already (a run created here).
   */
  private drive(
    run: WorkflowRunEntity,
    takenOver = false,
    plan?: DecodedPlan,
    lock?: Promise<Lock | null | undefined>,
  ): void {
    this.logger.debug(
      { run_id: run.id, trace_id: traceIdOf(run.traceParent), fence: run.fence, takenOver },
      "claimed run",
    );
    const driving = this.driver
      .drive(run, this.stopping.signal, {
        seizeLock: takenOver,
        ...(plan ? { plan } : {}),
        ...(lock ? { lock } : {}),
      })
      .finally(() => {
        this.active.delete(run.id);
        if (this.backlog) this.kick();
      })
      .then(async (parked) => {
        if (parked?.parkedUntil) this.kickAt(parked.parkedUntil);
        if (this.stopping.signal.aborted) await this.store.release(run.id, run.fence).catch(() => undefined);
      });
    this.active.set(run.id, driving);
  }
}
