import { InvalidArgumentError } from "@mcp/errors";

/** A token bucket's shape: `burst` tokens at most, refilled at `ratePerMinute` tokens a minute. */
export interface Bucket {
  readonly ratePerMinute: number;
  readonly burst: number;
}

/** The answer of {@link RateLimiter.take}: a token was taken, or when the next one will be there. */
export type Taken = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

/**
 * Rate limits by token bucket (e.g. "at most 60 deliveries a minute to this webhook, 10 at once"):
 * every call takes one token from the bucket `key`; an empty bucket refuses and says how long until
 * the next token. Redis shares the buckets between every replica; the in-process twin serves
 * single-node mode.
 */
export interface RateLimiter {
  take(key: string, bucket: Bucket): Promise<Taken>;
}

/** Validates a bucket: a positive rate and a size of at least one token. */
export function checkBucket(bucket: Bucket): Bucket {
  if (!Number.isFinite(bucket.ratePerMinute) || bucket.ratePerMinute <= 0) {
    throw InvalidArgumentError.field("ratePerMinute", `must be positive, got ${bucket.ratePerMinute}`);
  }
  if (!Number.isInteger(bucket.burst) || bucket.burst < 1) {
    throw InvalidArgumentError.field("burst", `must be a whole number of at least 1, got ${bucket.burst}`);
  }
  return bucket;
}

/** Milliseconds one token takes to come back. */
export const msPerToken = (bucket: Bucket): number => 60_000 / bucket.ratePerMinute;
