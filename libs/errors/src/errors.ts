/**
 * Domain errors. Libraries and domain modules throw these; exactly one mapper
 * (`@mcp/runtime` `toConnectError`) turns them into gRPC status codes. Each class
 * carries a machine-readable `reason` (an ErrorInfo-style UPPER_SNAKE code) and the
 * typed facts a caller needs, so messages never have to be parsed.
 */

/** The gRPC-facing category of an error; the mapper picks the status code from it. */
export type ErrorKind =
  | "not_found"
  | "already_exists"
  | "invalid_argument"
  | "failed_precondition"
  | "conflict"
  | "unavailable"
  | "unauthenticated"
  | "permission_denied";

/** One problem with one request field, e.g. `{field: "config.llm_prompt.temperature", description: "must be between 0 and 1"}`. */
export interface FieldViolation {
  readonly field: string;
  readonly description: string;
}

/** Base class of every domain error. */
export abstract class DomainError extends Error {
  abstract readonly kind: ErrorKind;
  private fields: readonly FieldViolation[] = [];

  protected constructor(
    message: string,
    /** Machine-readable cause, e.g. `MCP_NOT_FOUND`. */
    readonly reason: string,
    /** Extra facts for clients (string values only, like google.rpc.ErrorInfo metadata). */
    readonly metadata: Readonly<Record<string, string>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }

  /**
   * The request fields this error is about (sent as google.rpc.BadRequest beside the ErrorInfo):
   * every violation of an INVALID_ARGUMENT, or the field of a NOT_FOUND / FAILED_PRECONDITION that
   * names the cause, e.g. `spec.workflow` for a schedule of a workflow that does not exist.
   */
  get fieldViolations(): readonly FieldViolation[] {
    return this.fields;
  }

  /** This error, about request field `field` (described by its own message unless told). */
  about(field: string, description: string = this.message): this {
    this.fields = [...this.fields, { field, description }];
    return this;
  }
}

/** A named resource does not exist (or is deleted and the call needs a live one). */
export class NotFoundError extends DomainError {
  readonly kind = "not_found";

  constructor(
    readonly resource: string,
    readonly key: string,
    detail?: string,
  ) {
    super(
      `${resource} "${key}" not found${detail ? `: ${detail}` : ""}`,
      `${resource.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_NOT_FOUND`,
      { resource, key },
    );
  }
}

/** A resource with the same unique key already exists. */
export class AlreadyExistsError extends DomainError {
  readonly kind = "already_exists";

  constructor(
    readonly resource: string,
    readonly key: string,
    detail?: string,
  ) {
    super(
      `${resource} "${key}" already exists${detail ? `: ${detail}` : ""}`,
      `${resource.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_ALREADY_EXISTS`,
      { resource, key },
    );
  }
}

/** The request is malformed. Lists every violation found, with field paths. */
export class InvalidArgumentError extends DomainError {
  readonly kind = "invalid_argument";

  constructor(
    readonly violations: readonly FieldViolation[],
    /** Extra ErrorInfo metadata, e.g. machine codes of the violations. */
    metadata: Record<string, string> = {},
  ) {
    super(
      violations.map((v) => (v.field ? `${v.field}: ${v.description}` : v.description)).join("; "),
      "INVALID_ARGUMENT",
      { ...metadata, fields: violations.map((v) => v.field).join(",") },
    );
  }

  override get fieldViolations(): readonly FieldViolation[] {
    return this.violations;
  }

  /** Shorthand for a single violation. */
  static field(field: string, description: string): InvalidArgumentError {
    return new InvalidArgumentError([{ field, description }]);
  }
}

/** The request is valid but the system is not in a state that allows it (e.g. an MCP still in use). */
export class FailedPreconditionError extends DomainError {
  readonly kind = "failed_precondition";

  constructor(message: string, reason: string, metadata: Record<string, string> = {}) {
    super(message, reason, metadata);
  }
}

/** Optimistic concurrency failure: the caller's etag is stale. Retry after re-reading. */
export class ConflictError extends DomainError {
  readonly kind = "conflict";

  constructor(
    readonly resource: string,
    readonly key: string,
    readonly expectedEtag: string,
    readonly actualEtag: string,
  ) {
    super(
      `${resource} "${key}" was modified concurrently: etag "${expectedEtag}" is stale (current is "${actualEtag}"); re-read and retry`,
      "ETAG_MISMATCH",
      { resource, key, expected_etag: expectedEtag, current_etag: actualEtag },
    );
  }
}

/** A dependency (database, another service) cannot be reached; retrying later may succeed. */
export class UnavailableError extends DomainError {
  readonly kind = "unavailable";

  constructor(
    readonly dependency: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${dependency} is unavailable: ${detail}`,
      `${dependency.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_UNAVAILABLE`,
      { dependency },
      options,
    );
  }
}

/**
 * No valid credentials were presented. `reason` says why where a client can act on it (e.g.
 * `TOKEN_EXPIRED`: sign in again); `UNAUTHENTICATED` otherwise.
 */
export class UnauthenticatedError extends DomainError {
  readonly kind = "unauthenticated";

  constructor(message: string, reason = "UNAUTHENTICATED") {
    super(message, reason);
  }
}

/** Valid credentials that do not allow this call. */
export class PermissionDeniedError extends DomainError {
  readonly kind = "permission_denied";

  constructor(message: string) {
    super(message, "PERMISSION_DENIED");
  }
}
