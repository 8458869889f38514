import { Code, ConnectError } from "@connectrpc/connect";

/** Process exit codes. */
export const ExitCode = {
  /** The command (or the run) succeeded. */
  OK: 0,
  /** The run failed, was cancelled or only partly succeeded; or the service refused the request. */
  FAILED: 1,
  /** Bad usage (flags, manifest, input) or the service could not be reached / refused the credentials. */
  USAGE: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the CLI reports as one message and an exit code. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}

/** Codes that mean "fix the command, the address or the key" rather than "the request failed". */
const USAGE_CODES = new Set([
  Code.InvalidArgument,
  Code.Unavailable,
  Code.Unauthenticated,
  Code.PermissionDenied,
  Code.DeadlineExceeded,
]);

/** Turns a failed call into a CliError naming the service, its address and the gRPC code. */
export function describeCallError(err: unknown, service: string, url: string): CliError {
  if (err instanceof CliError) return err;
  const ce = ConnectError.from(err);
  const exitCode = USAGE_CODES.has(ce.code) ? ExitCode.USAGE : ExitCode.FAILED;
  if (ce.code === Code.Unavailable) {
    return new CliError(`cannot reach the ${service} at ${url}: ${ce.rawMessage}`, exitCode);
  }
  if (ce.code === Code.Unauthenticated || ce.code === Code.PermissionDenied) {
    return new CliError(
      `the ${service} at ${url} refused the credentials (${Code[ce.code]}): ${ce.rawMessage}; pass --api-key, set MCP_API_KEY or sign in with \`mcp login\``,
      exitCode,
    );
  }
  return new CliError(`${service}: ${Code[ce.code]}: ${ce.rawMessage}`, exitCode);
}

/** True when a call failed with NOT_FOUND. */
export const isNotFound = (err: unknown) => err instanceof ConnectError && err.code === Code.NotFound;
