import { randomUUID } from "node:crypto";
import type { CacheResult } from "../metrics.js";
import { closeRedis } from "../redis/close-redis.js";
import { createRedis } from "../redis/create-redis.js";
import { closedPort, deleteKeysWithPrefix, recordingLogger, testRedisUrl } from "../testing.js";
import { MemoryCache } from "./memory-cache.js";
import { RedisCache } from "./redis-cache.js";

/** A metrics sink that remembers every cache report. */
function recording() {
  const seen: [string, CacheResult][] = [];
  return {
    seen,
    cacheRequest: (c: string, r: CacheResult) => seen.push([c, r]),
    lockAcquire: () => undefined,
  };
}

describe("cache metrics", () => {
  it("MemoryCache reports a miss, then a hit, under its name", async () => {
    const metrics = recording();
    const cache = new MemoryCache({ maxEntries: 10, name: "registry", metrics });
    await cache.get("k");
    await cache.set("k", 1, 60);
    await cache.get("k");
    expect(metrics.seen).toEqual([
      ["registry", "miss"],
      ["registry", "hit"],
    ]);
  });

  it("RedisCache reports hit and miss against a live Redis", async () => {
    const metrics = recording();
    const prefix = `test:${randomUUID()}:`;
    const redis = createRedis({ url: testRedisUrl(), logger: recordingLogger(), name: "metrics-spec" });
    try {
      const cache = new RedisCache(redis, { prefix, logger: recordingLogger(), name: "workflows", metrics });
      await cache.get("k");
      await cache.set("k", "v", 60);
      await cache.get("k");
      expect(metrics.seen).toEqual([
        ["workflows", "miss"],
        ["workflows", "hit"],
      ]);
    } finally {
      await deleteKeysWithPrefix(redis, prefix);
      await closeRedis(redis);
    }
  });

  it("RedisCache reports an error (served as a miss) when Redis is unreachable", async () => {
    const metrics = recording();
    const redis = createRedis({
      url: `redis://127.0.0.1:${await closedPort()}`,
      logger: recordingLogger(),
      name: "down",
    });
    try {
      const cache = new RedisCache(redis, {
        prefix: "x:",
        logger: recordingLogger(),
        timeoutMs: 100,
        metrics,
      });
      expect(await cache.get("k")).toBeUndefined();
      expect(metrics.seen).toEqual([["cache", "error"]]);
    } finally {
      await closeRedis(redis);
    }
  });
});
