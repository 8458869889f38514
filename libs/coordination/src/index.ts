// Public API of @mcp/coordination. Test helpers live in "@mcp/coordination/testing".
export { type Logger } from "./logger.js";

export { createRedis, type CreateRedisOptions } from "./redis/create-redis.js";
export { redisConnection, REDIS_URL_PROTOCOLS } from "./redis/redis-url.js";
export { closeRedis } from "./redis/close-redis.js";

export { type Cache, cached } from "./cache/cache.js";
export { RedisCache, type RedisCacheOptions } from "./cache/redis-cache.js";
export { MemoryCache, type MemoryCacheOptions } from "./cache/memory-cache.js";
export { ImmutableCache } from "./cache/immutable-cache.js";
export { CatalogMemo, CATALOG_GENERATION_KEY } from "./cache/catalog-generation.js";
export { NoopCache } from "./cache/noop-cache.js";
export { openCache, type OpenedCache } from "./cache/open-cache.js";

export { type Lock, type LockService } from "./locks/lock-service.js";
export { countedLocks } from "./locks/counted-locks.js";
export { type CoordinationMetrics, type CacheResult, type LockResult, noopMetrics } from "./metrics.js";
export { RedisLockService, type RedisLockServiceOptions } from "./locks/redis-lock-service.js";
export { MemoryLockService, type MemoryLockServiceOptions } from "./locks/memory-lock-service.js";

export { type EventBus, type MessageHandler, type Subscription } from "./events/event-bus.js";
export {
  RedisEventBus,
  type RedisEventBusConnections,
  type RedisEventBusOptions,
} from "./events/redis-event-bus.js";
export { MemoryEventBus, type MemoryEventBusOptions } from "./events/memory-event-bus.js";

export { openLocksAndEvents, type OpenedLocksAndEvents } from "./open-locks-and-events.js";

export { type RateLimiter, type Bucket, type Taken } from "./rate/rate-limiter.js";
export { MemoryRateLimiter, type MemoryRateLimiterOptions } from "./rate/memory-rate-limiter.js";
export { RedisRateLimiter, type RedisRateLimiterOptions } from "./rate/redis-rate-limiter.js";
export { openRateLimiter, type OpenedRateLimiter } from "./rate/open-rate-limiter.js";
