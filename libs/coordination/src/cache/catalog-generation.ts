import { randomUUID } from "node:crypto";
import type { Cache } from "./cache.js";
import { LRUCache } from "lru-cache";

/**
 * The catalog's generation: a shared cache key that every committed change to a definition (MCP,
 * workflow, label, current version) deletes before the write is answered. A reader that finds it
 * missing sets a new one BEFORE it loads anything, so whatever it loads under a generation is at
 * least as new as that generation: an entry kept in process under generation G is current for as
 * long as the shared key still holds G.
 */
export const CATALOG_GENERATION_KEY = "catalog:generation";

/**
 * A generation lives at most this long, like the definitions it stands for in the shared cache: a
 * deletion lost in a Redis outage (and not made up by the writer's flush) goes stale no longer.
 */
const GENERATION_TTL_SECONDS = 300;

/**
 * Resolutions of movable references (a name's current version, a label) kept in process and
 * checked against the catalog generation: one shared-cache read instead of the calls that resolve
 * them. Use it only over a cache the writers share (Redis); with the cache down every read misses.
 */
export class CatalogMemo<T extends object> {
  /** Live objects (not JSON copies): callers must not mutate what they get. */
  private readonly local: LRUCache<string, { generation: string; value: T }>;

  constructor(
    private readonly shared: Cache,
    maxEntries = 2_000,
  ) {
    this.local = new LRUCache({ max: maxEntries });
  }

  /** The current generation (a new one when there is none). */
  async generation(): Promise<string> {
    const current = await this.shared.get<string>(CATALOG_GENERATION_KEY);
    if (typeof current === "string") return current;
    const fresh = randomUUID();
    await this.shared.set(CATALOG_GENERATION_KEY, fresh, GENERATION_TTL_SECONDS);
    return fresh;
  }

  /** `key`'s value under `generation`, loaded (and kept) when there is none. */
  async get(generation: string, key: string, load: () => Promise<T>): Promise<T> {
    const entry = this.local.get(key);
    if (entry?.generation === generation) return entry.value;
    const value = await load();
    this.local.set(key, { generation, value });
    return value;
  }
}
