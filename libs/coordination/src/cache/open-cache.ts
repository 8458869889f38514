import { closeRedis } from "../redis/close-redis.js";
import { createRedis } from "../redis/create-redis.js";
import type { Logger } from "../logger.js";
import type { CoordinationMetrics } from "../metrics.js";
import type { Cache } from "./cache.js";
import { MemoryCache } from "./memory-cache.js";
import { RedisCache } from "./redis-cache.js";

/** A service's cache and how to close it. */
export interface OpenedCache {
  readonly cache: Cache;
  /** `redis` or `memory`. */
  readonly kind: "redis" | "memory";
  close(): Promise<void>;
}

/**
 * The cache a service uses: Redis when `redisUrl` is set (failing open while Redis is away), else an
 * in-process LRU (single-node mode).
 */
export function openCache(options: {
  redisUrl: string | undefined;
  logger: Logger;
  name: string;
  prefix?: string;
  /** Where gets are reported as hit/miss/error under the `cache` label `name`; default: nowhere. */
  metrics?: CoordinationMetrics;
}): OpenedCache {
  const { name, metrics } = options;
  if (!options.redisUrl) {
    return {
      cache: new MemoryCache({ maxEntries: 10_000, name, metrics }),
      kind: "memory",
      close: async () => undefined,
    };
  }
  const redis = createRedis({
    url: options.redisUrl,
    logger: options.logger,
    name: `${options.name}-cache`,
    autoPipelining: true,
  });
  return {
    cache: new RedisCache(redis, {
      prefix: options.prefix ?? "cache:",
      logger: options.logger,
      name,
      metrics,
    }),
    kind: "redis",
    close: () => closeRedis(redis),
  };
}
