import { UnavailableError } from "@mcp/errors";

/**
 * Settles like `promise`, or rejects with UnavailableError after `timeoutMs`, so a caller
 * never waits longer than it can afford on a dependency that stopped answering.
 */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new UnavailableError("redis", `${what} timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
