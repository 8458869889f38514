import { randomUUID } from "node:crypto";
import { openLocksAndEvents, type OpenedLocksAndEvents } from "./open-locks-and-events.js";
import { recordingLogger, testRedisUrl, waitFor } from "./testing.js";

describe("openLocksAndEvents", () => {
  const logger = recordingLogger();

  /** A lock is exclusive until released, and a published message reaches a subscriber. */
  async function exercise(opened: OpenedLocksAndEvents): Promise<void> {
    const key = `test:${randomUUID()}`;
    const held = await opened.locks.acquire(key, 10_000);
    expect(held).toBeDefined();
    expect(await opened.locks.acquire(key, 10_000)).toBeUndefined();
    expect(await held!.release()).toBe(true);
    expect(await opened.locks.acquire(key, 10_000)).toBeDefined();

    const received: string[] = [];
    const subscription = await opened.bus.subscribe(key, (message) => {
      received.push(message);
    });
    await opened.bus.publish(key, "hello");
    await waitFor(() => received.length === 1, { what: "the message" });
    expect(received).toEqual(["hello"]);
    await subscription.close();
  }

  it("without a Redis URL, gives in-process locks and events", async () => {
    const opened = openLocksAndEvents({ redisUrl: undefined, logger, name: "test" });
    expect(opened.mode).toBe("in-process");
    await exercise(opened);
    await opened.close();
  });

  it("with a Redis URL, gives locks and events on Redis, and closes its connections", async () => {
    const opened = openLocksAndEvents({ redisUrl: testRedisUrl(), logger, name: "test" });
    expect(opened.mode).toBe("redis");
    try {
      await exercise(opened);
    } finally {
      await opened.close();
    }
    await expect(opened.locks.acquire(`test:${randomUUID()}`, 1_000)).rejects.toThrow();
  });
});
