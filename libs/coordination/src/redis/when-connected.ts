import { type Redis } from "ioredis";

/** Statuses in which a connection attempt is under way and may succeed in a moment. */
const CONNECTING = new Set(["connecting", "connect"]);

/**
 * Resolves once `redis` is ready, or at once if it is not currently connecting (commands will
 * then fail fast), or after `timeoutMs`. Lets callers issued right after start-up succeed
 * instead of failing on a connection that is a few milliseconds from ready.
 */
export function whenConnected(redis: Redis, timeoutMs: number): Promise<void> {
  if (!CONNECTING.has(redis.status)) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      redis.off("ready", done);
      redis.off("close", done);
      redis.off("end", done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    timer.unref();
    redis.on("ready", done);
    redis.on("close", done);
    redis.on("end", done);
  });
}
