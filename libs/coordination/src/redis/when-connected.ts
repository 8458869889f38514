import { type Redis } from "ioredis";

/** Statuses in which a connection attempt is under way and may succeed in a moment. */
const CONNECTING = new Set(["connecting", "connect"]);

/** The end of each connection's attempt under way: one set of listeners, whoever waits for it. */
const attempts = new WeakMap<Redis, Promise<void>>();

/** Resolves once the attempt under way on `redis` ends: ready, or closed or ended without. */
function attemptEnd(redis: Redis): Promise<void> {
  let attempt = attempts.get(redis);
  if (attempt === undefined) {
    attempt = new Promise<void>((resolve) => {
      const done = (): void => {
        redis.off("ready", done);
        redis.off("close", done);
        redis.off("end", done);
        attempts.delete(redis);
        resolve();
      };
      redis.on("ready", done);
      redis.on("close", done);
      redis.on("end", done);
    });
    attempts.set(redis, attempt);
  }
  return attempt;
}

/**
 * Resolves once `redis` is ready, or at once if it is not currently connecting (commands will
 * then fail fast), or after `timeoutMs`. Lets callers issued right after start-up succeed
 * instead of failing on a connection that is a few milliseconds from ready. However many callers
 * wait, the connection gets one listener per event.
 */
export function whenConnected(redis: Redis, timeoutMs: number): Promise<void> {
  if (!CONNECTING.has(redis.status)) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    timer.unref();
    void attemptEnd(redis).then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
