import { type CoordinationMetrics, noopMetrics } from "../metrics.js";
import { type Cache, ttlMillis } from "./cache.js";

/** Options of {@link MemoryCache}. */
export interface MemoryCacheOptions {
  /** Most entries kept; the least recently used one is evicted beyond that. */
  maxEntries: number;
  /** Clock in milliseconds; injectable for tests. */
  now?: () => number;
  /** Where each get's hit/miss is reported; default: nowhere. */
  metrics?: CoordinationMetrics;
  /** The `cache` label of those reports; default "cache". */
  name?: string;
}

interface Entry {
  json: string;
  expiresAt: number;
}

/**
 * In-process LRU cache with per-entry TTL, for single-node mode. Values are stored as JSON so a
 * caller sees exactly what it would see from Redis (copies, Dates as strings).
 */
export class MemoryCache implements Cache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly metrics: CoordinationMetrics;
  private readonly name: string;

  constructor(options: MemoryCacheOptions) {
    this.maxEntries = Math.max(1, Math.floor(options.maxEntries));
    this.now = options.now ?? Date.now;
    this.metrics = options.metrics ?? noopMetrics;
    this.name = options.name ?? "cache";
  }

  /** Number of entries held (expired ones included until touched or evicted). */
  get size(): number {
    return this.entries.size;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const value = this.lookup<T>(key);
    this.metrics.cacheRequest(this.name, value === undefined ? "miss" : "hit");
    return value;
  }

  private lookup<T>(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(key, entry); // most recently used goes last
    return JSON.parse(entry.json) as T;
  }

  async set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    const ttl = ttlMillis(ttlSeconds);
    const json = JSON.stringify(value) as string | undefined;
    if (ttl === undefined || json === undefined) return;
    this.entries.delete(key);
    this.entries.set(key, { json, expiresAt: this.now() + ttl });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }

  async delete(...keys: string[]): Promise<void> {
    for (const key of keys) this.entries.delete(key);
  }
}
