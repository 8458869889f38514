import type { ErrorKind } from "@mcp/errors";

/**
 * The HTTP status a domain error kind maps to on the plain HTTP routes (the executor's webhooks), the
 * twin of {@link codeOf} for RPCs. A request that is well-formed JSON but does not fit is 422.
 */
const STATUSES: Record<ErrorKind, number> = {
  not_found: 404,
  already_exists: 409,
  invalid_argument: 422,
  failed_precondition: 409,
  conflict: 409,
  unavailable: 503,
  unauthenticated: 401,
  permission_denied: 403,
};

/** The HTTP status of a domain error kind. */
export function httpStatusOf(kind: ErrorKind): number {
  return STATUSES[kind];
}
