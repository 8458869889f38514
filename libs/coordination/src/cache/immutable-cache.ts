import type { Cache } from "./cache.js";
import { MemoryCache } from "./memory-cache.js";

/**
 * For values that never change once they exist (immutable versions): a bounded in-process LRU in
 * front of the shared cache, so a hot version costs no round trip at all. Only present values are
 * kept in process (a miss may be filled later); entries leave only by eviction or their TTL.
 */
export class ImmutableCache implements Cache {
  private readonly local: MemoryCache;

  constructor(
    private readonly shared: Cache,
    maxEntries = 5_000,
  ) {
    this.local = new MemoryCache({ maxEntries, name: "immutable" });
  }

  async get<T>(key: string): Promise<T | undefined> {
    const hit = await this.local.get<T>(key);
    if (hit !== undefined) return hit;
    const value = await this.shared.get<T>(key);
    if (value !== undefined && value !== null) await this.local.set(key, value, LOCAL_TTL_SECONDS);
    return value;
  }

  async set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    if (value !== undefined && value !== null)
      await this.local.set(key, value, Math.min(ttlSeconds, LOCAL_TTL_SECONDS));
    await this.shared.set(key, value, ttlSeconds);
  }

  async delete(...keys: string[]): Promise<void> {
    await this.local.delete(...keys);
    await this.shared.delete(...keys);
  }
}

/** In-process entries live at most this long (they are immutable; this only bounds stale memory). */
const LOCAL_TTL_SECONDS = 3_600;
