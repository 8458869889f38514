import { type Redis } from "ioredis";
import { type Logger } from "../logger.js";
import { whenConnected } from "../redis/when-connected.js";
import { errorMessage } from "../support/errors.js";
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
}

/**
 * Redis-backed cache that FAILS OPEN: when Redis errors or is slow, get is a miss and
 * set/delete do nothing, so the system keeps working (slower) without Redis. Outages are
 * logged once (see OutageLog), not per call.
 */
export class RedisCache implements Cache {
  private readonly prefix: string;
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  private readonly outage: OutageLog;

  constructor(
    private readonly redis: Redis,
    options: RedisCacheOptions,
  ) {
    this.prefix = options.prefix;
    this.logger = options.logger;
    this.timeoutMs = options.timeoutMs ?? 500;
    this.outage = new OutageLog(options.logger, "redis cache", { component: "cache" });
  }

  async get<T>(key: string): Promise<T | undefined> {
    const raw = await this.attempt("get", () => this.redis.get(this.prefix + key));
    if (raw === undefined || raw === null) return undefined;
    try {
      return JSON.parse(raw) as T;
    } catch (err) {
      this.logger.warn(
        { component: "cache", key, err: errorMessage(err) },
        "unreadable cache entry; treating as a miss",
      );
      return undefined;
    }
  }

  async set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    const ttl = ttlMillis(ttlSeconds);
    const json = JSON.stringify(value) as string | undefined;
    if (ttl === undefined || json === undefined) return;
    await this.attempt("set", () => this.redis.set(this.prefix + key, json, "PX", ttl));
  }

  async delete(...keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.attempt("delete", () => this.redis.del(...keys.map((key) => this.prefix + key)));
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
