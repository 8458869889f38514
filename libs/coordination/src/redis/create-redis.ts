import { Redis } from "ioredis";
import { type Logger } from "../logger.js";
import { errorMessage } from "@mcp/errors";
import { redisConnection } from "./redis-url.js";

/** Options of {@link createRedis}. */
export interface CreateRedisOptions {
  /**
   * `redis://[user:password@]host:port[/db]`, `rediss://` (TLS), or through Sentinel
   * `redis+sentinel://host:port[,host:port…]/<master>[/db]` ({@link redisConnection}); never logged.
   */
  url: string;
  logger: Logger;
  /** Names the connection in logs, e.g. "command" or "subscriber". */
  name?: string;
  /**
   * Sends the commands issued in one event-loop turn as one write (ioredis auto-pipelining): fewer
   * syscalls under load, same order and replies. Not for a subscriber connection.
   */
  autoPipelining?: boolean;
}

/** Longest pause between reconnection attempts; the client retries forever. */
const MAX_RECONNECT_DELAY_MS = 2_000;

/**
 * Opens an ioredis connection tuned for a service that must degrade, not hang, when Redis is away:
 * commands fail fast while disconnected (no offline queue), time out after a second, and the client
 * reconnects forever in the background. Logs one warning per outage and one info on recovery.
 *
 * Commands in flight when the connection drops are NOT replayed after reconnecting: their callers
 * have already been told they failed (timeout), so a late replay would act behind their backs —
 * a lock taken by a token nobody holds, a run event delivered twice and out of order, a stale
 * cache entry written after its invalidation.
 */
export function createRedis(options: CreateRedisOptions): Redis {
  const { logger } = options;
  const fields = { redis: options.name ?? "redis" };
  const connection = redisConnection(options.url);
  const tuning = {
    enableOfflineQueue: false,
    connectTimeout: 2_000,
    commandTimeout: 1_000,
    maxRetriesPerRequest: 1,
    retryStrategy: (times: number) => Math.min(times * 200, MAX_RECONNECT_DELAY_MS),
    lazyConnect: false,
    // ioredis 5.11.1 resubscribes after a reconnect without handling a failure of that SUBSCRIBE
    // (an unhandled rejection, fatal in Node; fixed upstream in redis/ioredis#2187), so
    // RedisEventBus resubscribes its channels itself on "ready".
    autoResubscribe: false,
    autoResendUnfulfilledCommands: false,
    // A hard disconnect arms a timer of this length even when the socket is already gone (as
    // during an outage); keep it short so a shutdown while Redis is down does not linger.
    disconnectTimeout: 200,
    enableAutoPipelining: options.autoPipelining ?? false,
  };
  const redis =
    "url" in connection
      ? new Redis(connection.url, tuning)
      : new Redis({ ...connection.options, ...tuning, sentinelRetryStrategy: tuning.retryStrategy });

  let down = false;
  let lastError: unknown;
  redis.on("error", (err: unknown) => {
    lastError = err;
    logger.debug({ ...fields, err }, "redis connection error");
  });
  // "reconnecting" is only emitted for an unplanned loss (never after quit/disconnect).
  redis.on("reconnecting", (delayMs: number) => {
    if (down) return;
    down = true;
    logger.warn(
      { ...fields, err: lastError === undefined ? undefined : errorMessage(lastError), retryInMs: delayMs },
      "redis connection lost; reconnecting in the background",
    );
  });
  redis.on("ready", () => {
    if (down) logger.info(fields, "redis connection restored");
    else logger.debug(fields, "redis connected");
    down = false;
    lastError = undefined;
  });
  return redis;
}
