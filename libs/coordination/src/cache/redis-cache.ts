import { type Redis } from "ioredis";
import { type Logger } from "../logger.js";
import { type CacheResult, type CoordinationMetrics, noopMetrics } from "../metrics.js";
import { whenConnected } from "../redis/when-connected.js";
import { OutageLog } from "../support/outage-log.js";
import { withTimeout } from "../support/with-timeout.js";
import { type Cache, ttlMillis } from "./cache.js";

/** Options of {@link RedisCache}. */
export interface RedisCacheOptions {
  /** Prepended verbatim to every key, e.g. "mcp:cache:". */
  prefix: string;
  logger: Logger;
  /** Longest wait for one cache call before treating it as a miss; default 500 ms. */
  timeoutMs?: number;
  /** Where each get's hit/miss/error is reported; default: nowhere. */
  metrics?: CoordinationMetrics;
  /** The `cache` label of those reports; default "cache". */
  name?: string;
}

/** SCAN page size when clearing the prefix. */
const CLEAR_BATCH = 500;

/**
 * Redis-backed cache that FAILS OPEN: when Redis errors or is slow, get is a miss and
 * set/delete do nothing, so the system keeps working (slower) without Redis. Outages are
 * logged once (see OutageLog), not per call.
 *
 * Failing open must not mean serving stale data afterwards. A `delete` is an invalidation after
 * a database write; if it is lost while Redis is unreachable and Redis comes back still holding
 * the old entries (a network partition, or a restart with persistence), readers would get stale
 * values until the TTL runs out. So every set/delete that cannot be confirmed is recorded, and
 * while one is recorded get is always a miss: it first clears every key under the prefix (we no
 * longer know which entries are stale) and only once that clear has completed are entries served
 * again. A clear that cannot complete (Redis still away) is retried by the next get.
 */
export class RedisCache implements Cache {
  private readonly prefix: string;
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  private readonly outage: OutageLog;
  private readonly count: (result: CacheResult) => void;
  /** Count of set/delete calls that could not be confirmed (see the class comment). */
  private unconfirmedWrites = 0;
  /** `unconfirmedWrites` as of the start of the last completed clear; entries are trusted when equal. */
  private clearedUpTo = 0;
  /** The clear under way, shared by concurrent gets; it never rejects. */
  private clearing: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    options: RedisCacheOptions,
  ) {
    this.prefix = options.prefix;
    this.logger = options.logger;
    this.timeoutMs = options.timeoutMs ?? 500;
    const metrics = options.metrics ?? noopMetrics;
    const name = options.name ?? "cache";
    this.count = (result) => metrics.cacheRequest(name, result);
    this.outage = new OutageLog(options.logger, "redis cache", { component: "cache" });
  }

  async get<T>(key: string): Promise<T | undefined> {
    const { value, result } = await this.lookup<T>(key);
    this.count(result);
    return value;
  }

  private async lookup<T>(key: string): Promise<{ value?: T; result: CacheResult }> {
    if (this.mayBeStale()) {
      // Wait for the clear within the time budget; it goes on in the background if slower. The
      // entry asked for is being cleared too, so this get is a miss either way.
      this.clearing ??= this.clearPrefix().finally(() => {
        this.clearing = undefined;
      });
      await withTimeout(this.clearing, this.timeoutMs, "cache clear").catch(() => undefined);
      return { result: "miss" };
    }
    const raw = await this.attempt("get", () => this.redis.get(this.prefix + key));
    if (raw === undefined) return { result: "error" };
    // A set/delete may have failed while the GET was in flight.
    if (raw === null || this.mayBeStale()) return { result: "miss" };
    try {
      return { value: JSON.parse(raw) as T, result: "hit" };
    } catch (err) {
      this.logger.warn(
        { component: "cache", key, err },
        "unreadable cache entry; treating as a miss",
      );
      return { result: "error" };
    }
  }

  async set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    const ttl = ttlMillis(ttlSeconds);
    const json = JSON.stringify(value) as string | undefined;
    if (ttl === undefined || json === undefined) return;
    const ok = await this.attempt("set", () => this.redis.set(this.prefix + key, json, "PX", ttl));
    if (ok === undefined) this.unconfirmedWrites++;
  }

  async delete(...keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const deleted = await this.attempt("delete", () =>
      this.redis.del(...keys.map((key) => this.prefix + key)),
    );
    if (deleted === undefined) this.unconfirmedWrites++;
  }

  /** True while a set/delete went unconfirmed since the last completed clear. */
  private mayBeStale(): boolean {
    return this.unconfirmedWrites !== this.clearedUpTo;
  }

  /**
   * Unlinks every key under the prefix (SCAN + UNLINK in pages, each call within the time budget),
   * then marks the unconfirmed writes seen at its start as dealt with. Gives up at the first failed
   * call; the next get starts over.
   */
  private async clearPrefix(): Promise<void> {
    const upTo = this.unconfirmedWrites;
    const match = `${this.prefix.replace(/[*?[\]\\]/g, "\\$&")}*`; // the prefix taken literally
    let cursor = "0";
    do {
      const page = await this.attempt("clear", () =>
        this.redis.scan(cursor, "MATCH", match, "COUNT", CLEAR_BATCH),
      );
      if (page === undefined) return;
      const [next, keys] = page;
      if (keys.length > 0 && (await this.attempt("clear", () => this.redis.unlink(...keys))) === undefined)
        return;
      cursor = next;
    } while (cursor !== "0");
    this.clearedUpTo = upTo;
    this.logger.info(
      { component: "cache", prefix: this.prefix },
      "cleared the cache after unconfirmed invalidations",
    );
  }

  /** Runs one Redis call within the time budget; any failure becomes `undefined`. */
  private async attempt<R>(operation: string, call: () => Promise<R>): Promise<R | undefined> {
    try {
      const run = async (): Promise<R> => {
        await whenConnected(this.redis, this.timeoutMs);
        return call();
      };
      const result = await withTimeout(run(), this.timeoutMs, `cache ${operation}`);
      this.outage.success();
      return result;
    } catch (err) {
      this.outage.failure(operation, err);
      return undefined;
    }
  }
}
