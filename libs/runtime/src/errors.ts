import { Code, ConnectError } from "@connectrpc/connect";
import { DomainError, type ErrorKind } from "@mcp/errors";
import { errorDetails } from "@mcp/proto/grpc";
import type { Logger } from "pino";

const CODES: Record<ErrorKind, Code> = {
  not_found: Code.NotFound,
  already_exists: Code.AlreadyExists,
  invalid_argument: Code.InvalidArgument,
  failed_precondition: Code.FailedPrecondition,
  conflict: Code.Aborted,
  unavailable: Code.Unavailable,
  unauthenticated: Code.Unauthenticated,
  permission_denied: Code.PermissionDenied,
};

/** The gRPC status a domain error kind maps to. */
export function codeOf(kind: ErrorKind): Code {
  return CODES[kind];
}

/**
 * The one place where errors become gRPC statuses. Domain errors keep their message and carry a
 * google.rpc.ErrorInfo (reason, metadata) — plus google.rpc.BadRequest naming the request fields at
 * fault (every invalid argument; the field of a NOT_FOUND or FAILED_PRECONDITION that says one).
 * ConnectErrors pass through. Anything else is an INTERNAL error whose details are logged, not returned.
 */
export function toConnectError(
  err: unknown,
  context: { domain: string; logger?: Logger; method?: string },
): ConnectError {
  if (err instanceof ConnectError) return err;
  if (err instanceof DomainError) {
    const details: ConstructorParameters<typeof ConnectError>[3] = [
      {
        desc: errorDetails.ErrorInfoSchema,
        value: { reason: err.reason, domain: context.domain, metadata: { ...err.metadata } },
      },
    ];
    if (err.fieldViolations.length > 0) {
      details.push({
        desc: errorDetails.BadRequestSchema,
        value: {
          fieldViolations: err.fieldViolations.map((v) => ({ field: v.field, description: v.description })),
        },
      });
    }
    return new ConnectError(err.message, codeOf(err.kind), undefined, details, err);
  }
  context.logger?.error({ err, method: context.method }, "unexpected error");
  return new ConnectError("internal error; see the service log", Code.Internal, undefined, undefined, err);
}

/** Reads the ErrorInfo reason of a ConnectError (for clients and tests); undefined if it has none. */
export function reasonOf(err: ConnectError): string | undefined {
  return err.findDetails(errorDetails.ErrorInfoSchema)[0]?.reason;
}
