import type { PinnedMcp } from "../../step/index.js";
import type { PermitGrant, PermitPort } from "../permits.js";

/**
 * An in-memory {@link PermitPort} of one MCP: at most `limit` keys hold a permit, the others queue
 * first come first served (a key keeps its place when it asks again), as `RunPermits` does. Permits
 * held by other runs are taken with {@link occupy}. Logs what the engine asked.
 */
export class MemoryPermits implements PermitPort {
  readonly held = new Set<string>();
  readonly queue: string[] = [];
  /** `acquire key held|queued`, `release key`, `withdraw keys`, `await step#attempt`, in order. */
  readonly log: string[] = [];
  /** The most permits held at one time. */
  maxHeld = 0;

  constructor(private readonly limit: number) {}

  /** A permit held by another run (it counts against the limit until {@link free}d). */
  occupy(key: string): void {
    this.held.add(key);
  }

  free(key: string): void {
    this.held.delete(key);
  }

  acquire(key: string): Promise<PermitGrant> {
    if (this.held.has(key)) return Promise.resolve({ held: true });
    const place = this.queue.indexOf(key);
    const ahead = place < 0 ? this.queue.length : place;
    if (this.held.size + ahead < this.limit) {
      if (place >= 0) this.queue.splice(place, 1);
      this.held.add(key);
      this.maxHeld = Math.max(this.maxHeld, this.held.size);
      this.log.push(`acquire ${key} held`);
      return Promise.resolve({ held: true });
    }
    if (place < 0) this.queue.push(key);
    this.log.push(`acquire ${key} queued`);
    return Promise.resolve({ held: false, recheckAt: new Date(Date.now() + 60_000) });
  }

  release(key: string): Promise<void> {
    this.held.delete(key);
    this.log.push(`release ${key}`);
    return Promise.resolve();
  }

  withdraw(keys: readonly string[], _mcp: PinnedMcp): Promise<void> {
    for (const key of keys) {
      const place = this.queue.indexOf(key);
      if (place >= 0) this.queue.splice(place, 1);
    }
    this.log.push(`withdraw ${keys.join(",")}`);
    return Promise.resolve();
  }

  awaitItems(stepId: string, attempt: number): Promise<void> {
    this.log.push(`await ${stepId}#${attempt}`);
    return Promise.resolve();
  }
}
