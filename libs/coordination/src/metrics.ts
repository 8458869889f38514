/** Outcome of one cache get: served from the cache, absent, or the cache failed (served as a miss). */
export type CacheResult = "hit" | "miss" | "error";
/** Outcome of one lock acquisition: taken, held by someone else, or the lock service failed. */
export type LockResult = "acquired" | "contended" | "error";

/**
 * Where caches and locks report what happened; @mcp/runtime's `coordinationMetrics(registry)` turns
 * these into Prometheus counters. Optional everywhere: the default {@link noopMetrics} records nothing.
 */
export interface CoordinationMetrics {
  /** One cache get on the cache called `cache` (e.g. the service's name). */
  cacheRequest(cache: string, result: CacheResult): void;
  lockAcquire(result: LockResult): void;
}

/** Records nothing. */
export const noopMetrics: CoordinationMetrics = {
  cacheRequest: () => undefined,
  lockAcquire: () => undefined,
};
