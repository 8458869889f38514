import { InvalidArgumentError } from "@mcp/errors";

/**
 * A held lease on a key. It expires by itself after its TTL unless extended, so a crashed holder
 * never blocks others forever. `token` identifies this holder; a stale holder cannot touch a
 * lock that has since been taken by someone else.
 */
export interface Lock {
  readonly key: string;
  readonly token: string;
  /** Resets the TTL to `ttlMs` if this holder still owns the lock; false if it was lost. */
  extend(ttlMs: number): Promise<boolean>;
  /** Frees the lock if this holder still owns it; false if it had already expired or moved on. */
  release(): Promise<boolean>;
}

/** Mutual exclusion with expiring leases (e.g. "one executor drives run X"). */
export interface LockService {
  /** Takes the lock for `ttlMs`, or returns undefined when someone else holds it. */
  acquire(key: string, ttlMs: number): Promise<Lock | undefined>;
  /**
   * Takes the lock for `ttlMs` whoever holds it now; the holder's extend and release fail from then
   * on. Only for a caller that knows by other means that the holder is gone (the executor that drove
   * a run died: its database session ended, ADR 024), so waiting out the holder's TTL is pointless.
   */
  seize(key: string, ttlMs: number): Promise<Lock>;
}

/** Validates a lease duration: a positive whole number of milliseconds. */
export function checkTtlMs(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs < 1) {
    throw InvalidArgumentError.field("ttlMs", `must be a positive number of milliseconds, got ${ttlMs}`);
  }
  return Math.ceil(ttlMs);
}
