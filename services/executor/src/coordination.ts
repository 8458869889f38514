import {
  closeRedis,
  createRedis,
  MemoryEventBus,
  MemoryLockService,
  RedisEventBus,
  RedisLockService,
  type EventBus,
  type LockService,
} from "@mcp/coordination";
import type { Logger } from "@mcp/runtime";

/** Locks and run events: Redis when configured (any number of replicas), else in process (single node). */
export interface ExecutorCoordination {
  readonly locks: LockService;
  readonly bus: EventBus;
  readonly mode: "redis" | "in-process";
  close(): Promise<void>;
}

export function openCoordination(redisUrl: string | undefined, logger: Logger): ExecutorCoordination {
  if (!redisUrl) {
    return {
      locks: new MemoryLockService(),
      bus: new MemoryEventBus({ logger }),
      mode: "in-process",
      close: async () => undefined,
    };
  }
  const command = createRedis({ url: redisUrl, logger, name: "executor-locks", autoPipelining: true });
  const publisher = createRedis({ url: redisUrl, logger, name: "executor-events-pub", autoPipelining: true });
  const subscriber = createRedis({ url: redisUrl, logger, name: "executor-events-sub" });
  return {
    locks: new RedisLockService(command, { prefix: "lock:" }),
    bus: new RedisEventBus({ publisher, subscriber }, { prefix: "events:", logger }),
    mode: "redis",
    async close() {
      await Promise.all([closeRedis(command), closeRedis(publisher), closeRedis(subscriber)]);
    },
  };
}
