import { randomUUID } from "node:crypto";
import { type Redis } from "ioredis";
import { closeRedis } from "../redis/close-redis.js";
import { createRedis } from "../redis/create-redis.js";
import { closedPort, deleteKeysWithPrefix, recordingLogger, testRedisUrl } from "../testing.js";
import { MemoryRateLimiter } from "./memory-rate-limiter.js";
import { RedisRateLimiter } from "./redis-rate-limiter.js";

describe("MemoryRateLimiter", () => {
  it("lets a burst through, refuses the next with the wait until a token is back, then refills", async () => {
    let now = 1_000_000;
    const limiter = new MemoryRateLimiter({ now: () => now });
    const bucket = { ratePerMinute: 60, burst: 3 };
    for (let i = 0; i < 3; i++) expect(await limiter.take("a", bucket)).toEqual({ allowed: true });
    expect(await limiter.take("a", bucket)).toEqual({ allowed: false, retryAfterMs: 1_000 });
    // another key has its own bucket
    expect(await limiter.take("b", bucket)).toEqual({ allowed: true });
    now += 400;
    expect(await limiter.take("a", bucket)).toEqual({ allowed: false, retryAfterMs: 600 });
    now += 600;
    expect(await limiter.take("a", bucket)).toEqual({ allowed: true });
    now += 60_000;
    for (let i = 0; i < 3; i++) expect(await limiter.take("a", bucket)).toEqual({ allowed: true });
    expect((await limiter.take("a", bucket)).allowed).toBe(false);
  });

  it("rejects a bucket without tokens", async () => {
    await expect(new MemoryRateLimiter().take("a", { ratePerMinute: 0, burst: 1 })).rejects.toThrow(
      /ratePerMinute/,
    );
    await expect(new MemoryRateLimiter().take("a", { ratePerMinute: 1, burst: 0 })).rejects.toThrow(/burst/);
  });
});

describe("RedisRateLimiter", () => {
  const prefix = `test:${randomUUID()}:`;
  let redis: Redis;
  beforeAll(() => {
    redis = createRedis({ url: testRedisUrl(), logger: recordingLogger(), name: "rate-spec" });
  });
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    await closeRedis(redis);
  });

  it("shares one bucket between limiters (replicas): the burst is for all of them together", async () => {
    const one = new RedisRateLimiter(redis, { prefix, logger: recordingLogger() });
    const two = new RedisRateLimiter(redis, { prefix, logger: recordingLogger() });
    const bucket = { ratePerMinute: 6, burst: 4 };
    const answers = await Promise.all([
      ...[1, 2, 3].map(() => one.take("hook", bucket)),
      ...[1, 2, 3].map(() => two.take("hook", bucket)),
    ]);
    expect(answers.filter((a) => a.allowed)).toHaveLength(4);
    const refused = answers.find((a) => !a.allowed);
    // one token every 10 s
    const wait = refused && !refused.allowed ? refused.retryAfterMs : 0;
    expect(wait).toBeGreaterThan(8_000);
    expect(wait).toBeLessThanOrEqual(10_000);
    const ttl = await redis.pttl(`${prefix}hook`);
    expect(ttl).toBeGreaterThan(0);
  });

  it("limits in process when Redis does not answer, and says so once", async () => {
    const dead = createRedis({
      url: `redis://127.0.0.1:${await closedPort()}`,
      logger: recordingLogger(),
      name: "rate-dead",
    });
    const logger = recordingLogger();
    const limiter = new RedisRateLimiter(dead, { prefix, logger, timeoutMs: 300 });
    const bucket = { ratePerMinute: 60, burst: 2 };
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await limiter.take("x", bucket));
    expect(answers.map((a) => a.allowed)).toEqual([true, true, false]);
    expect(logger.entries.filter((e) => e.level === "warn")).toHaveLength(1);
    dead.disconnect();
  });
});
