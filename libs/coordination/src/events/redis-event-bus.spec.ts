import { randomUUID } from "node:crypto";
import { InvalidArgumentError, UnavailableError } from "@mcp/errors";
import { type Redis } from "ioredis";
import { closeRedis } from "../redis/close-redis.js";
import { createRedis } from "../redis/create-redis.js";
import { whenConnected } from "../redis/when-connected.js";
import { closedPort, recordingLogger, silentServer, testRedisUrl, waitFor } from "../testing.js";
import { type Subscription } from "./event-bus.js";
import { eventBusContract } from "./event-bus.contract.js";
import { RedisEventBus } from "./redis-event-bus.js";

const prefix = `test:${randomUUID()}:`;

/**
 * How late a loaded machine may run a timer or a callback: a call that fails fast within a timeout
 * must end within timeout + this (the bound still tells a timeout apart from none at all).
 */
const SCHEDULING_SLACK_MS = 2_000;

describe("RedisEventBus", () => {
  const logger = recordingLogger();
  const connections: Redis[] = [];
  const connect = (name: string, url = testRedisUrl()): Redis => {
    const redis = createRedis({ url, logger, name });
    connections.push(redis);
    return redis;
  };
  /** One replica's bus, with its own two connections, as in a separate executor process. */
  const replica = (name: string, busPrefix = prefix): RedisEventBus =>
    new RedisEventBus(
      { publisher: connect(`${name}-pub`), subscriber: connect(`${name}-sub`) },
      // timeouts a loaded machine meets against the live Redis (the defaults are for production)
      { prefix: busPrefix, logger, publishTimeoutMs: 10_000, subscribeTimeoutMs: 10_000 },
    );

  let replicas: [RedisEventBus, RedisEventBus];
  let admin: Redis;

  beforeAll(() => {
    replicas = [replica("a"), replica("b")];
    admin = connect("admin");
  });

  afterAll(async () => Promise.all(connections.map((redis) => closeRedis(redis))));

  /** How many connections are subscribed to the bus channel `channel`. */
  async function subscriberCount(channel: string): Promise<number> {
    const reply = (await admin.call("PUBSUB", "NUMSUB", prefix + channel)) as [string, number];
    return Number(reply[1]);
  }

  describe("across two replicas on a live Redis", () => {
    eventBusContract(() => ({ replicas, logEntries: logger.entries }));

    it("shares one Redis subscription per channel among a replica's subscribers and drops it with the last", async () => {
      const channel = `run-${randomUUID()}`;
      const noop = (): void => undefined;
      const onA: Subscription[] = await Promise.all([
        replicas[0].subscribe(channel, noop),
        replicas[0].subscribe(channel, noop),
      ]);
      const onB = await replicas[1].subscribe(channel, noop);
      expect(await subscriberCount(channel)).toBe(2); // one connection per replica
      await onA[0]!.close();
      expect(await subscriberCount(channel)).toBe(2);
      await onA[1]!.close();
      expect(await subscriberCount(channel)).toBe(1);
      await onB.close();
      expect(await subscriberCount(channel)).toBe(0);
    });

    it("subscribes again after its subscriber connection was dropped", async () => {
      const subscriber = connect("dropped-sub");
      await whenConnected(subscriber, 30_000);
      const clientId = await subscriber.call("CLIENT", "ID");
      let reconnects = 0;
      subscriber.on("ready", () => reconnects++);
      const bus = new RedisEventBus(
        { publisher: connect("dropped-pub"), subscriber },
        { prefix, logger, publishTimeoutMs: 10_000, subscribeTimeoutMs: 10_000 },
      );
      const channel = `run-${randomUUID()}`;
      const received: string[] = [];
      const subscription = await bus.subscribe(channel, (message) => {
        received.push(message);
      });
      await admin.call("CLIENT", "KILL", "ID", String(clientId));
      await waitFor(() => reconnects === 1, { what: "the subscriber to reconnect" });
      await waitFor(async () => (await subscriberCount(channel)) === 1, {
        what: "the subscription to be renewed",
      });
      await replicas[0].publish(channel, "after-reconnect");
      await waitFor(() => received.length === 1, { what: "delivery after the reconnect" });
      expect(received).toEqual(["after-reconnect"]);
      await subscription.close();
    });

    it("does not deliver between buses with different channel prefixes", async () => {
      const other = replica("other", `test:${randomUUID()}:`);
      const received: string[] = [];
      const theirs = await other.subscribe("shared-name", (message) => {
        received.push(message);
      });
      const ours: string[] = [];
      const mine = await replicas[1].subscribe("shared-name", (message) => {
        ours.push(message);
      });
      await replicas[0].publish("shared-name", "ours");
      await waitFor(() => ours.length === 1, { what: "delivery on our prefix" });
      await other.publish("shared-name", "theirs");
      await waitFor(() => received.length === 1, { what: "delivery on their prefix" });
      expect(received).toEqual(["theirs"]);
      expect(ours).toEqual(["ours"]);
      await Promise.all([theirs.close(), mine.close()]);
    });
  });

  it("refuses to use the publishing connection as the subscriber", () => {
    const redis = connect("shared");
    expect(() => new RedisEventBus({ publisher: redis, subscriber: redis }, { prefix, logger })).toThrow(
      InvalidArgumentError,
    );
  });

  describe("when nothing listens on the Redis port", () => {
    const deadLogger = recordingLogger();
    let dead: RedisEventBus;

    beforeAll(async () => {
      const url = `redis://127.0.0.1:${await closedPort()}`;
      dead = new RedisEventBus(
        { publisher: connect("dead-pub", url), subscriber: connect("dead-sub", url) },
        { prefix, logger: deadLogger, publishTimeoutMs: 200, subscribeTimeoutMs: 300 },
      );
    });

    it("rejects subscribe within its timeout with UnavailableError naming the channel", async () => {
      const start = performance.now();
      const subscribing = dead.subscribe("run-1", () => undefined);
      await expect(subscribing).rejects.toBeInstanceOf(UnavailableError);
      await expect(subscribing).rejects.toThrow(`subscribe to channel "${prefix}run-1"`);
      expect(performance.now() - start).toBeLessThan(300 + SCHEDULING_SLACK_MS);
    });

    it("fails open on publish: resolves at once and warns once for the outage", async () => {
      const start = performance.now();
      await expect(dead.publish("run-1", "a")).resolves.toBeUndefined();
      await expect(dead.publish("run-1", "b")).resolves.toBeUndefined();
      expect(performance.now() - start).toBeLessThan(2 * 200 + SCHEDULING_SLACK_MS);
      const warnings = deadLogger.entries.filter(
        (e) => e.level === "warn" && (e.obj as { component?: string }).component === "events",
      );
      expect(warnings).toHaveLength(1);
    });
  });

  describe("when Redis accepts connections but never answers", () => {
    it("rejects subscribe with UnavailableError once its timeout has passed", async () => {
      const server = await silentServer();
      const url = `redis://127.0.0.1:${server.port}`;
      const [publisher, subscriber] = [connect("hung-pub", url), connect("hung-sub", url)];
      try {
        const hung = new RedisEventBus(
          { publisher, subscriber },
          { prefix, logger: recordingLogger(), subscribeTimeoutMs: 200 },
        );
        const start = performance.now();
        await expect(hung.subscribe("run-1", () => undefined)).rejects.toThrow(
          /subscribe to channel ".*run-1" timed out after 200 ms/,
        );
        expect(performance.now() - start).toBeLessThan(200 + SCHEDULING_SLACK_MS);
      } finally {
        await Promise.all([closeRedis(publisher), closeRedis(subscriber)]);
        await server.close();
      }
    });
  });
});
