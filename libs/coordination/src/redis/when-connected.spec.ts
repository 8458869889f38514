import { createServer, type AddressInfo, type Socket } from "node:net";
import { Redis } from "ioredis";
import { whenConnected } from "./when-connected.js";

const URL = process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379";

describe("whenConnected", () => {
  it("lets many callers wait for a connection under way with one listener per event, all resolved once it is ready", async () => {
    const redis = new Redis(URL, { lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      const before = redis.listenerCount("ready");
      const connecting = redis.connect();
      expect(["connecting", "connect"]).toContain(redis.status);
      const waits = Array.from({ length: 50 }, () => whenConnected(redis, 30_000));
      expect(redis.listenerCount("ready") - before).toBe(1);
      await Promise.all(waits);
      expect(redis.status).toBe("ready");
      await connecting;
      expect(redis.listenerCount("ready")).toBe(before);
      expect(redis.listenerCount("close")).toBe(0);
    } finally {
      redis.disconnect();
    }
  });

  it("gives up after its own timeout while the connection still tries", async () => {
    // a server that accepts and never answers: ioredis's ready check waits on it for ever
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    const redis = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, maxRetriesPerRequest: 0 });
    redis.on("error", () => undefined);
    try {
      void redis.connect().catch(() => undefined);
      const started = Date.now();
      await whenConnected(redis, 200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      expect(redis.status).toBe("connect");
    } finally {
      redis.disconnect();
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it("resolves at once for a connection that is not connecting", async () => {
    const redis = new Redis(URL, { lazyConnect: true });
    expect(redis.status).toBe("wait");
    await expect(whenConnected(redis, 60_000)).resolves.toBeUndefined();
    redis.disconnect();
  });
});
