import { setTimeout as delay } from "node:timers/promises";

/** How waits between tries grow: the delays of one retry policy, every field decided. */
export interface Backoff {
  /** Attempts after the first one. */
  readonly maxRetries: number;
  readonly initialBackoffMs: number;
  readonly backoffMultiplier: number;
  readonly maxBackoffMs: number;
}

/**
 * The wait before retry `n` (n ≥ 1): `min(maxBackoffMs, initialBackoffMs · backoffMultiplier^(n-1))`,
 * jittered uniformly into [delay/2, delay] by `random` (in [0,1)), rounded to whole milliseconds.
 */
export function backoffDelayMs(policy: Backoff, n: number, random: () => number): number {
  const wait = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * policy.backoffMultiplier ** (n - 1));
  return Math.round(wait / 2 + random() * (wait / 2));
}

/** A real sleep that rejects (with an AbortError) as soon as `signal` aborts. */
export async function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal });
}
