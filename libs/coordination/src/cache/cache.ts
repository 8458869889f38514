/**
 * A best-effort key/value cache of JSON-serialisable values. A miss is always a valid answer:
 * callers must be able to recompute any value, so implementations may drop entries at will.
 */
export interface Cache {
  /** The cached value, or undefined on a miss (including when the cache is unavailable). */
  get<T>(key: string): Promise<T | undefined>;
  /** Stores `value` (JSON-serialised) for `ttlSeconds`; `undefined` values are not stored. */
  set<T>(key: string, value: T, ttlSeconds: number): Promise<void>;
  /** Removes the keys, e.g. to invalidate a "current" pointer after a write. */
  delete(...keys: string[]): Promise<void>;
}

/** Read-through helper: returns the cached value, or loads, stores and returns it. */
export async function cached<T>(
  cache: Cache,
  key: string,
  ttlSeconds: number,
  load: () => Promise<T>,
): Promise<T> {
  const hit = await cache.get<T>(key);
  if (hit !== undefined) return hit;
  const value = await load();
  await cache.set(key, value, ttlSeconds);
  return value;
}

/** TTL in whole milliseconds (at least 1), or undefined when the value should not be stored. */
export function ttlMillis(ttlSeconds: number): number | undefined {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) return undefined;
  return Math.max(1, Math.ceil(ttlSeconds * 1000));
}
