import { UnavailableError, errorMessage } from "@mcp/errors";

/** Wraps a failed Redis call in the domain error callers can act on (retry later / degrade). */
export function redisUnavailable(operation: string, err: unknown): UnavailableError {
  if (err instanceof UnavailableError) return err;
  return new UnavailableError("redis", `${operation} failed: ${errorMessage(err)}`, { cause: err });
}
