import { randomUUID } from "node:crypto";
import { UnavailableError } from "@mcp/errors";
import { type Redis } from "ioredis";
import { closeRedis } from "../redis/close-redis.js";
import { createRedis } from "../redis/create-redis.js";
import { closedPort, deleteKeysWithPrefix, recordingLogger, testRedisUrl } from "../testing.js";
import { lockServiceContract } from "./lock-service.contract.js";
import { RedisLockService } from "./redis-lock-service.js";

const prefix = `test:${randomUUID()}:`;

describe("RedisLockService", () => {
  let redis: Redis;
  let locks: RedisLockService;

  beforeAll(() => {
    redis = createRedis({ url: testRedisUrl(), logger: recordingLogger(), name: "lock-spec" });
    locks = new RedisLockService(redis, { prefix });
  });

  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    await closeRedis(redis);
  });

  describe("against a live Redis", () => {
    lockServiceContract(() => locks);

    it("keeps the holder's random token under the prefixed key with the lease as its TTL", async () => {
      const lock = (await locks.acquire("run-1", 5_000))!;
      expect(lock.token).toMatch(/^[0-9a-f-]{36}$/);
      expect(await redis.get(`${prefix}run-1`)).toBe(lock.token);
      const pttl = await redis.pttl(`${prefix}run-1`);
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(5_000);
      expect(await lock.extend(30_000)).toBe(true);
      expect(await redis.pttl(`${prefix}run-1`)).toBeGreaterThan(5_000);
      await lock.release();
      expect(await redis.exists(`${prefix}run-1`)).toBe(0);
    });
  });

  describe("when nothing listens on the Redis port", () => {
    let dead: Redis;

    beforeAll(async () => {
      dead = createRedis({
        url: `redis://127.0.0.1:${await closedPort()}`,
        logger: recordingLogger(),
        name: "dead",
      });
    });

    afterAll(async () => closeRedis(dead));

    it("fails closed: acquire rejects with UnavailableError instead of guessing", async () => {
      const deadLocks = new RedisLockService(dead, { prefix, timeoutMs: 200 });
      await expect(deadLocks.acquire("run-1", 1_000)).rejects.toBeInstanceOf(UnavailableError);
    });
  });
});
