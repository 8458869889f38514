import { isConnectionError } from "./errors.js";

/** How {@link untilReachable} waits between tries. */
export interface ReachOptions {
  /** Stop trying (rejecting with the last error) once this aborts. */
  readonly signal?: AbortSignal;
  /** Called before each wait, e.g. to log the outage once. */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
}

/**
 * Runs a database operation, and again after a growing, jittered pause (100 ms … 2 s) for as long as
 * it fails because PostgreSQL cannot be reached (see isConnectionError). Any other error, or the
 * signal aborting, ends it. For the run driver's writes: during an outage it keeps its runs and
 * writes their results when the database is back, instead of giving the runs up to be run again.
 */
export async function untilReachable<T>(operation: () => Promise<T>, options: ReachOptions = {}): Promise<T> {
  const initial = options.initialDelayMs ?? 100;
  const max = options.maxDelayMs ?? 2_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isConnectionError(error) || options.signal?.aborted) throw error;
      const delayMs = Math.round(Math.min(max, initial * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5));
      options.onRetry?.(error, attempt, delayMs);
      await pause(delayMs, options.signal);
      if (options.signal?.aborted) throw error;
    }
  }
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
