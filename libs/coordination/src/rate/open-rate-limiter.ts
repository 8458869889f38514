import type { Logger } from "../logger.js";
import { closeRedis } from "../redis/close-redis.js";
import { createRedis } from "../redis/create-redis.js";
import { MemoryRateLimiter } from "./memory-rate-limiter.js";
import type { RateLimiter } from "./rate-limiter.js";
import { RedisRateLimiter } from "./redis-rate-limiter.js";

/** A service's rate limiter and how to close it. */
export interface OpenedRateLimiter {
  readonly limiter: RateLimiter;
  readonly mode: "redis" | "in-process";
  close(): Promise<void>;
}

/**
 * The rate limiter a service uses: token buckets in Redis (one connection named `<name>-rate`,
 * keys `rate:<key>`) when `redisUrl` is set, else in process (single-node mode).
 */
export function openRateLimiter(options: {
  redisUrl: string | undefined;
  logger: Logger;
  name: string;
}): OpenedRateLimiter {
  const { redisUrl, logger, name } = options;
  if (!redisUrl) {
    return { limiter: new MemoryRateLimiter(), mode: "in-process", close: async () => undefined };
  }
  const redis = createRedis({ url: redisUrl, logger, name: `${name}-rate`, autoPipelining: true });
  return {
    limiter: new RedisRateLimiter(redis, { prefix: "rate:", logger }),
    mode: "redis",
    close: () => closeRedis(redis),
  };
}
