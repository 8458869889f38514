import { checkBucket, msPerToken, type Bucket, type RateLimiter, type Taken } from "./rate-limiter.js";

/** Options of {@link MemoryRateLimiter}. */
export interface MemoryRateLimiterOptions {
  /** Clock in milliseconds; injectable for tests. */
  now?: () => number;
}

interface State {
  tokens: number;
  at: number;
}

/** Full buckets are forgotten once the table grows past this size (a full bucket is the default). */
const SWEEP_THRESHOLD = 10_000;

/** In-process token buckets with the same semantics as RedisRateLimiter, for single-node mode. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, State & { burst: number; perToken: number }>();
  private readonly now: () => number;

  constructor(options: MemoryRateLimiterOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  async take(key: string, bucket: Bucket): Promise<Taken> {
    checkBucket(bucket);
    const now = this.now();
    if (this.buckets.size > SWEEP_THRESHOLD) this.sweep(now);
    const perToken = msPerToken(bucket);
    const state = this.buckets.get(key);
    const tokens = state
      ? Math.min(bucket.burst, state.tokens + Math.max(0, now - state.at) / perToken)
      : bucket.burst;
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, at: now, burst: bucket.burst, perToken });
      return { allowed: true };
    }
    this.buckets.set(key, { tokens, at: now, burst: bucket.burst, perToken });
    return { allowed: false, retryAfterMs: Math.ceil((1 - tokens) * perToken) };
  }

  private sweep(now: number): void {
    for (const [key, s] of this.buckets) {
      if (s.tokens + (now - s.at) / s.perToken >= s.burst) this.buckets.delete(key);
    }
  }
}
