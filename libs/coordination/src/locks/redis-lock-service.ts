import { randomUUID } from "node:crypto";
import { type Redis } from "ioredis";
import { whenConnected } from "../redis/when-connected.js";
import { redisUnavailable } from "../support/errors.js";
import { withTimeout } from "../support/with-timeout.js";
import { checkTtlMs, type Lock, type LockService } from "./lock-service.js";

/** Options of {@link RedisLockService}. */
export interface RedisLockServiceOptions {
  /** Prepended verbatim to every lock key, e.g. "mcp:lock:". */
  prefix: string;
  /** Longest wait for one Redis call; default 2000 ms. */
  timeoutMs?: number;
}

/** Sets a new TTL only if the caller's token still owns the key. */
const EXTEND_SCRIPT = `
if redis.call("get", KEYS[1]) == ARGV[1] then
  return redis.call("pexpire", KEYS[1], ARGV[2])
end
return 0`;

/** Deletes the key only if the caller's token still owns it. */
const RELEASE_SCRIPT = `
if redis.call("get", KEYS[1]) == ARGV[1] then
  return redis.call("del", KEYS[1])
end
return 0`;

/**
 * Redis locks: `SET key token PX ttl NX` to take (without NX to seize), compare-and-pexpire to extend and
 * compare-and-delete to release, both atomic in Lua. Unlike the cache this does NOT fail open:
 * a Redis failure rejects with UnavailableError, because a guess could let two holders in.
 */
export class RedisLockService implements LockService {
  private readonly prefix: string;
  private readonly timeoutMs: number;

  constructor(
    private readonly redis: Redis,
    options: RedisLockServiceOptions,
  ) {
    this.prefix = options.prefix;
    this.timeoutMs = options.timeoutMs ?? 2_000;
  }

  async acquire(key: string, ttlMs: number): Promise<Lock | undefined> {
    const ttl = checkTtlMs(ttlMs);
    const token = randomUUID();
    const reply = await this.call("lock acquire", () =>
      this.redis.set(this.prefix + key, token, "PX", ttl, "NX"),
    );
    return reply === "OK" ? this.held(key, token) : undefined;
  }

  async seize(key: string, ttlMs: number): Promise<Lock> {
    const ttl = checkTtlMs(ttlMs);
    const token = randomUUID();
    await this.call("lock seize", () => this.redis.set(this.prefix + key, token, "PX", ttl));
    return this.held(key, token);
  }

  /** The lock `token` holds on `key`. */
  private held(key: string, token: string): Lock {
    const redisKey = this.prefix + key;
    return {
      key,
      token,
      extend: async (newTtlMs) => {
        const newTtl = checkTtlMs(newTtlMs);
        const result = await this.call("lock extend", () =>
          this.redis.eval(EXTEND_SCRIPT, 1, redisKey, token, newTtl),
        );
        return result === 1;
      },
      release: async () => {
        const result = await this.call("lock release", () =>
          this.redis.eval(RELEASE_SCRIPT, 1, redisKey, token),
        );
        return result === 1;
      },
    };
  }

  private async call<R>(operation: string, run: () => Promise<R>): Promise<R> {
    try {
      const attempt = async (): Promise<R> => {
        await whenConnected(this.redis, this.timeoutMs);
        return run();
      };
      return await withTimeout(attempt(), this.timeoutMs, operation);
    } catch (err) {
      throw redisUnavailable(operation, err);
    }
  }
}
