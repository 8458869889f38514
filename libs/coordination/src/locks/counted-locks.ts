import type { CoordinationMetrics } from "../metrics.js";
import type { Lock, LockService } from "./lock-service.js";

/** Wraps a LockService to report each acquisition as acquired, contended or error. */
export function countedLocks(locks: LockService, metrics: CoordinationMetrics): LockService {
  return {
    async acquire(key: string, ttlMs: number): Promise<Lock | undefined> {
      let lock: Lock | undefined;
      try {
        lock = await locks.acquire(key, ttlMs);
      } catch (err) {
        metrics.lockAcquire("error");
        throw err;
      }
      metrics.lockAcquire(lock ? "acquired" : "contended");
      return lock;
    },
    async seize(key: string, ttlMs: number): Promise<Lock> {
      try {
        const lock = await locks.seize(key, ttlMs);
        metrics.lockAcquire("acquired");
        return lock;
      } catch (err) {
        metrics.lockAcquire("error");
        throw err;
      }
    },
  };
}
