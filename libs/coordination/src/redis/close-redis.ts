import { type Redis } from "ioredis";
import { withTimeout } from "../support/with-timeout.js";

/**
 * Closes a connection politely (QUIT, letting pending replies arrive) and falls back to a hard
 * disconnect when QUIT cannot be sent or takes too long (e.g. Redis is down).
 */
export async function closeRedis(redis: Redis, timeoutMs = 1_000): Promise<void> {
  if (redis.status === "end") return;
  if (redis.status === "ready") {
    try {
      await withTimeout(redis.quit(), timeoutMs, "QUIT");
      return;
    } catch {
      // fall through to a hard disconnect
    }
  }
  redis.disconnect();
}
