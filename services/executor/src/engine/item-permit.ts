import type { PinnedMcp } from "../step/index.js";
import type { PermitPort } from "./permits.js";

/** How often a queued item asks again while another item of its step runs (its place is kept). */
export const ITEM_PERMIT_POLL_MS = 200;

/** What {@link ItemPermits.hold} came to. */
export type ItemPermitAnswer = "held" | "queued" | "aborted";

/**
 * The permits of one `for_each` step's items (ADR 018), one per item attempt, queued first come first
 * served with every other step of the MCP. A queued item waits in process only while another item of
 * the step holds a permit (the run keeps its executor for that item anyway): it asks again as soon as
 * one of them gave its permit back and was booked ({@link nudge}), and every {@link ITEM_PERMIT_POLL_MS} for one freed elsewhere.
 * Once no item of the step holds one, it is left `queued`: the step parks the run, and the item keeps
 * its place in the queue until the run is driven again.
 */
export class ItemPermits {
  private holding = 0;
  /** Items of the step with a place in the queue. */
  private readonly queued = new Set<string>();
  private readonly released = new Set<() => void>();
  private recheckAt: Date | null = null;

  constructor(
    private readonly port: PermitPort,
    private readonly mcp: PinnedMcp,
  ) {}

  /** The latest time a queued item should be asked for again at the latest (null: none was queued). */
  get wakeAt(): Date | null {
    return this.recheckAt;
  }

  /**
   * Takes a permit for the item `key`: `held`; `queued` when none is free and no other item of the
   * step holds one; `aborted` when `signal` aborts while it waits.
   */
  async hold(key: string, signal: AbortSignal): Promise<ItemPermitAnswer> {
    for (;;) {
      if (signal.aborted) return "aborted";
      const grant = await this.port.acquire(key, this.mcp);
      if (grant.held) {
        this.queued.delete(key);
        this.holding++;
        return "held";
      }
      this.queued.add(key);
      this.recheckAt = grant.recheckAt;
      if (this.holding === 0) return "queued";
      if (!(await this.nextChance(signal))) return "aborted";
    }
  }

  /** Gives the item's permit back (the step's queued items ask again at {@link nudge}). */
  async release(key: string): Promise<void> {
    try {
      await this.port.release(key, this.mcp);
    } finally {
      this.holding--;
    }
  }

  /**
   * Lets the step's queued items ask again now: called once the item that gave its permit back has
   * been booked, so that a failure stopping the step is known before another item starts.
   */
  nudge(): void {
    for (const wake of [...this.released]) wake();
  }

  /** The step parks while its items wait: recorded WAITING (attempt `attempt`). */
  park(stepId: string, attempt: number): Promise<void> {
    return this.port.awaitItems(stepId, attempt);
  }

  /** Takes the step's items still queued out of the queue (the step stopped: they will not run). */
  async withdraw(): Promise<void> {
    if (this.queued.size === 0) return;
    await this.port.withdraw([...this.queued], this.mcp);
    this.queued.clear();
  }

  /** Resolves true when an item of the step gives its permit back or the poll interval passed; false on abort. */
  private nextChance(signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (again: boolean): void => {
        clearTimeout(timer);
        this.released.delete(wake);
        signal.removeEventListener("abort", abort);
        resolve(again);
      };
      const wake = (): void => done(true);
      const abort = (): void => done(false);
      const timer = setTimeout(wake, ITEM_PERMIT_POLL_MS);
      this.released.add(wake);
      signal.addEventListener("abort", abort, { once: true });
    });
  }
}
