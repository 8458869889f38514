import { Code, ConnectError } from "@connectrpc/connect";
import { errorDetails } from "@mcp/proto/grpc";

/** One field-level problem carried by an error (google.rpc.BadRequest). */
export interface FieldViolation {
  readonly field: string;
  readonly description: string;
}

/** An error as the console shows it. */
export interface ErrorDescription {
  /** The gRPC/Connect code name, e.g. `NOT_FOUND`; undefined for an error that did not come from an API. */
  readonly code: string | undefined;
  /** The message as the service stated it (ConnectError.rawMessage), or the local error's message. */
  readonly message: string;
  /** The machine-readable reason (google.rpc.ErrorInfo), when the service gave one. */
  readonly reason: string | undefined;
  /** Every field violation (google.rpc.BadRequest), in the service's order. */
  readonly violations: readonly FieldViolation[];
  /** A hint for errors the browser raises before any service answers (no network, CORS). */
  readonly hint: string | undefined;
}

/** `NotFound` -> `NOT_FOUND`: the code's name as gRPC spells it. */
export function codeName(code: Code): string {
  const name = Code[code] as string | undefined;
  if (name === undefined) return `CODE_${code}`;
  return name.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
}

const NETWORK_FAILURES = [/failed to fetch/i, /networkerror/i, /load failed/i, /network request failed/i];

/** Describes anything thrown by a call (or by local parsing) for display; never loses the message. */
export function describeError(err: unknown): ErrorDescription {
  if (err instanceof ConnectError) {
    const violations = err
      .findDetails(errorDetails.BadRequestSchema)
      .flatMap((d) => d.fieldViolations.map((v) => ({ field: v.field, description: v.description })));
    const code = codeName(err.code);
    const found = err.findDetails(errorDetails.ErrorInfoSchema)[0]?.reason;
    const reason = found && found !== code ? found : undefined; // a reason equal to the code adds nothing
    const network = NETWORK_FAILURES.some((re) => re.test(err.rawMessage));
    return {
      code,
      message: err.rawMessage || "(no message)",
      reason,
      violations,
      hint: network
        ? "The browser could not reach the service: is it running at the address in /config.json, and does it allow this page's origin (CORS_ORIGINS)?"
        : undefined,
    };
  }
  const message = err instanceof Error ? err.message : typeof err === "string" ? err : JSON.stringify(err);
  return {
    code: undefined,
    message: message || "(no message)",
    reason: undefined,
    violations: [],
    hint: undefined,
  };
}

/** Whether an error is worth retrying automatically (the service may come back). */
export function isTransient(err: unknown): boolean {
  return (
    err instanceof ConnectError &&
    (err.code === Code.Unavailable ||
      err.code === Code.DeadlineExceeded ||
      err.code === Code.ResourceExhausted)
  );
}
