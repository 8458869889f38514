import { randomUUID } from "node:crypto";
import { type Redis } from "ioredis";
import { closeRedis } from "../redis/close-redis.js";
import { createRedis } from "../redis/create-redis.js";
import {
  closedPort,
  deleteKeysWithPrefix,
  recordingLogger,
  silentServer,
  testRedisUrl,
  waitFor,
} from "../testing.js";
import { cacheContract } from "./cache.contract.js";
import { RedisCache } from "./redis-cache.js";

const prefix = `test:${randomUUID()}:`;

/**
 * How late a loaded machine may run a timer or a callback: a call that fails fast within a budget
 * must end within budget + this (the bound still tells a budget apart from none at all).
 */
const SCHEDULING_SLACK_MS = 2_000;

/** Times one call, in milliseconds. */
async function timed<T>(call: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await call();
  return { result, ms: performance.now() - start };
}

describe("RedisCache", () => {
  const logger = recordingLogger();
  let redis: Redis;
  let cache: RedisCache;

  beforeAll(() => {
    redis = createRedis({ url: testRedisUrl(), logger, name: "cache-spec" });
    // a budget a loaded machine meets against the live Redis (the default 500 ms is for production)
    cache = new RedisCache(redis, { prefix, logger, timeoutMs: 10_000 });
  });

  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    await closeRedis(redis);
  });

  describe("against a live Redis", () => {
    cacheContract(() => cache);

    it("stores entries under its prefix with the TTL in milliseconds", async () => {
      await cache.set("ttl", { a: 1 }, 30);
      expect(await redis.get(`${prefix}ttl`)).toBe('{"a":1}');
      const pttl = await redis.pttl(`${prefix}ttl`);
      expect(pttl).toBeGreaterThan(25_000);
      expect(pttl).toBeLessThanOrEqual(30_000);
    });

    it("treats an unreadable entry as a miss and says so in the log", async () => {
      await redis.set(`${prefix}garbage`, "{not json", "PX", 60_000);
      expect(await cache.get("garbage")).toBeUndefined();
      expect(
        logger.entries.some(
          (e) => e.level === "warn" && e.msg === "unreadable cache entry; treating as a miss",
        ),
      ).toBe(true);
    });
  });

  describe("after an outage of its own connection (Redis keeps its data)", () => {
    /**
     * Runs `test` with a RedisCache on a dedicated connection to the real Redis, plus `outage()` /
     * `recover()` that drop and re-open that connection while Redis keeps every key (a partition).
     * Keys under `base` (a fresh random prefix) are deleted afterwards.
     */
    async function withOutage(
      test: (ctx: {
        base: string;
        cache: (prefix: string) => RedisCache;
        outage(): Promise<void>;
        recover(): Promise<void>;
      }) => Promise<void>,
    ): Promise<void> {
      const base = `test:${randomUUID()}:`;
      const own = createRedis({ url: testRedisUrl(), logger: recordingLogger(), name: "partitioned" });
      try {
        await test({
          base,
          // a budget a loaded machine meets: the connection is up or closed, never slow, in these tests
          cache: (p) => new RedisCache(own, { prefix: p, logger: recordingLogger(), timeoutMs: 10_000 }),
          outage: async () => {
            own.disconnect();
            await waitFor(() => own.status === "end", { what: "the connection to close" });
          },
          recover: () => own.connect(),
        });
      } finally {
        await closeRedis(own);
        await deleteKeysWithPrefix(redis, base);
      }
    }

    it.each(["delete", "set"] as const)(
      "after a %s lost in the outage, misses and clears its prefix before serving again",
      (lost) =>
        withOutage(async ({ base, cache: open, outage, recover }) => {
          const partitioned = open(base);
          await partitioned.set("k", "old", 60);
          await partitioned.set("other", "x", 60);

          await outage();
          if (lost === "delete") await partitioned.delete("k");
          else await partitioned.set("k", "new", 60);
          expect(await partitioned.get("k")).toBeUndefined(); // the clear cannot run yet

          await recover();
          expect(await redis.get(`${base}k`)).toBe('"old"'); // Redis came back with the stale entry
          expect(await partitioned.get("k")).toBeUndefined();
          expect(await redis.exists(`${base}k`, `${base}other`)).toBe(0);

          await partitioned.set("k", "fresh", 60);
          expect(await partitioned.get("k")).toBe("fresh");
        }),
    );

    it("clears nothing after an outage in which no set or delete was lost", () =>
      withOutage(async ({ base, cache: open, outage, recover }) => {
        const partitioned = open(base);
        await partitioned.set("k", "kept", 60);
        await outage();
        expect(await partitioned.get("k")).toBeUndefined();
        await recover();
        expect(await partitioned.get("k")).toBe("kept");
        expect(await redis.get(`${base}k`)).toBe('"kept"');
      }));

    it("clears only keys under its own prefix, taking glob characters in it literally", () =>
      withOutage(async ({ base, cache: open, outage, recover }) => {
        const partitioned = open(`${base}c*:`);
        await partitioned.set("k", "mine", 60);
        const others = [`${base}cX:k`, `${base}c*`, `${base}other`];
        for (const key of others) await redis.set(key, "theirs", "PX", 60_000);

        await outage();
        await partitioned.delete("k");
        await recover();
        expect(await partitioned.get("k")).toBeUndefined();

        expect(await redis.exists(`${base}c*:k`)).toBe(0);
        expect(await redis.mget(...others)).toEqual(["theirs", "theirs", "theirs"]);
      }));
  });

  describe("when nothing listens on the Redis port", () => {
    const deadLogger = recordingLogger();
    const budgetMs = 200;
    let dead: Redis;
    let deadCache: RedisCache;

    beforeAll(async () => {
      dead = createRedis({
        url: `redis://127.0.0.1:${await closedPort()}`,
        logger: deadLogger,
        name: "dead",
      });
      deadCache = new RedisCache(dead, { prefix, logger: deadLogger, timeoutMs: budgetMs });
    });

    afterAll(async () => closeRedis(dead));

    it("fails open within its time budget: get misses, set and delete do nothing, nothing throws", async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const get = await timed(() => deadCache.get("k"));
        const set = await timed(() => deadCache.set("k", "v", 60));
        const del = await timed(() => deadCache.delete("k"));
        expect(get.result).toBeUndefined();
        for (const { ms } of [get, set, del]) expect(ms).toBeLessThan(budgetMs + SCHEDULING_SLACK_MS);
      }
    });

    it("warns once for the outage rather than once per call", async () => {
      await deadCache.get("k");
      await deadCache.get("k");
      const warnings = deadLogger.entries.filter(
        (e) => e.level === "warn" && (e.obj as { component?: string }).component === "cache",
      );
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.msg).toBe("redis cache unavailable; degrading until it is back");
    });
  });

  describe("when Redis accepts connections but never answers", () => {
    it("gives up within its time budget and misses", async () => {
      const server = await silentServer();
      const hung = createRedis({
        url: `redis://127.0.0.1:${server.port}`,
        logger: recordingLogger(),
        name: "hung",
      });
      try {
        const hungCache = new RedisCache(hung, { prefix, logger: recordingLogger(), timeoutMs: 150 });
        const get = await timed(() => hungCache.get("k"));
        expect(get.result).toBeUndefined();
        expect(get.ms).toBeLessThan(150 + SCHEDULING_SLACK_MS);
        await expect(hungCache.set("k", "v", 60)).resolves.toBeUndefined();
      } finally {
        await closeRedis(hung);
        await server.close();
      }
    });
  });
});
