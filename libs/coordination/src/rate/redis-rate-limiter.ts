import { type Redis } from "ioredis";
import type { Logger } from "../logger.js";
import { whenConnected } from "../redis/when-connected.js";
import { withTimeout } from "../support/with-timeout.js";
import { MemoryRateLimiter } from "./memory-rate-limiter.js";
import { checkBucket, msPerToken, type Bucket, type RateLimiter, type Taken } from "./rate-limiter.js";

/** Options of {@link RedisRateLimiter}. */
export interface RedisRateLimiterOptions {
  /** Prepended verbatim to every bucket key, e.g. "rate:". */
  readonly prefix: string;
  /** Longest wait for one Redis call; default 2000 ms. */
  readonly timeoutMs?: number;
  readonly logger: Logger;
}

/**
 * One token bucket step, atomic in Lua on Redis's own clock (so executors' clocks never disagree):
 * refill by the time since the last call, take a token if there is one, keep the bucket only as long
 * as it takes to fill up again. Returns {1, 0} or {0, ms until the next token}.
 */
const TAKE_SCRIPT = `
local burst = tonumber(ARGV[1])
local per_token = tonumber(ARGV[2])
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call("HMGET", KEYS[1], "tokens", "at")
local tokens = burst
if state[1] then
  tokens = math.min(burst, tonumber(state[1]) + math.max(0, now - tonumber(state[2])) / per_token)
end
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = math.ceil((1 - tokens) * per_token)
end
redis.call("HSET", KEYS[1], "tokens", tostring(tokens), "at", tostring(now))
redis.call("PEXPIRE", KEYS[1], math.ceil((burst - tokens) * per_token) + 1000)
return {allowed, wait}`;

/**
 * Token buckets in Redis, shared by every replica. Fails open to an in-process twin when Redis does not
 * answer (each replica then limits on its own; logged once per outage), so a Redis outage never turns
 * into refused deliveries.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly logger: Logger;
  private readonly fallback = new MemoryRateLimiter();
  private degraded = false;

  constructor(
    private readonly redis: Redis,
    options: RedisRateLimiterOptions,
  ) {
    this.prefix = options.prefix;
    this.timeoutMs = options.timeoutMs ?? 2_000;
    this.logger = options.logger;
  }

  async take(key: string, bucket: Bucket): Promise<Taken> {
    checkBucket(bucket);
    try {
      const attempt = async () => {
        await whenConnected(this.redis, this.timeoutMs);
        return (await this.redis.eval(
          TAKE_SCRIPT,
          1,
          this.prefix + key,
          bucket.burst,
          msPerToken(bucket),
        )) as [number, number];
      };
      const [allowed, wait] = await withTimeout(attempt(), this.timeoutMs, "rate limit");
      if (this.degraded) {
        this.degraded = false;
        this.logger.info({}, "rate limits are shared through Redis again");
      }
      return allowed === 1 ? { allowed: true } : { allowed: false, retryAfterMs: wait };
    } catch (err) {
      if (!this.degraded) {
        this.degraded = true;
        this.logger.warn({ err }, "Redis does not answer: rate limits are kept in process until it does");
      }
      return this.fallback.take(key, bucket);
    }
  }
}
