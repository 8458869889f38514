import { MemoryEventBus } from "./events/memory-event-bus.js";
import { RedisEventBus } from "./events/redis-event-bus.js";
import type { EventBus } from "./events/event-bus.js";
import type { LockService } from "./locks/lock-service.js";
import { MemoryLockService } from "./locks/memory-lock-service.js";
import { RedisLockService } from "./locks/redis-lock-service.js";
import type { Logger } from "./logger.js";
import { closeRedis } from "./redis/close-redis.js";
import { createRedis } from "./redis/create-redis.js";

/** A service's locks and event bus, and how to close them. */
export interface OpenedLocksAndEvents {
  readonly locks: LockService;
  readonly bus: EventBus;
  /** `redis` (any number of replicas) or `in-process` (single node). */
  readonly mode: "redis" | "in-process";
  close(): Promise<void>;
}

/**
 * The locks and event bus a service uses: Redis when `redisUrl` is set (three connections named
 * `<name>-locks`, `<name>-events-pub`, `<name>-events-sub`), else in-process twins (single-node mode).
 */
export function openLocksAndEvents(options: {
  redisUrl: string | undefined;
  logger: Logger;
  name: string;
}): OpenedLocksAndEvents {
  const { redisUrl, logger, name } = options;
  if (!redisUrl) {
    return {
      locks: new MemoryLockService(),
      bus: new MemoryEventBus({ logger }),
      mode: "in-process",
      close: async () => undefined,
    };
  }
  const command = createRedis({ url: redisUrl, logger, name: `${name}-locks`, autoPipelining: true });
  const publisher = createRedis({ url: redisUrl, logger, name: `${name}-events-pub`, autoPipelining: true });
  const subscriber = createRedis({ url: redisUrl, logger, name: `${name}-events-sub` });
  return {
    locks: new RedisLockService(command, { prefix: "lock:" }),
    bus: new RedisEventBus({ publisher, subscriber }, { prefix: "events:", logger }),
    mode: "redis",
    async close() {
      await Promise.all([closeRedis(command), closeRedis(publisher), closeRedis(subscriber)]);
    },
  };
}
