import { UnavailableError, errorMessage } from "@mcp/errors";

/** Node socket errors that mean "the database cannot be reached". */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "EPIPE",
  "EAI_AGAIN",
]);

/** SQLSTATE classes/codes that mean the server is unavailable (connection exceptions, shutdown, too many clients). */
function isUnavailableSqlState(code: string): boolean {
  return (
    code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03" || code === "53300"
  );
}

function codeOf(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const direct = (err as { code?: unknown }).code;
  if (typeof direct === "string") return direct;
  const driver = (err as { driverError?: { code?: unknown } }).driverError;
  return typeof driver?.code === "string" ? driver.code : undefined;
}

/**
 * True when `err` says PostgreSQL is unreachable or went away (as opposed to a bad query): a driver
 * error, or one already translated into UNAVAILABLE by {@link dbCall}.
 */
export function isConnectionError(err: unknown): boolean {
  if (err instanceof UnavailableError) return true;
  const code = codeOf(err);
  if (code && (NETWORK_CODES.has(code) || isUnavailableSqlState(code))) return true;
  const message = errorMessage(err);
  return /Connection terminated|timeout exceeded when trying to connect|Connection refused|connect ECONNREFUSED|the database system is (starting up|shutting down)|terminating connection due to administrator command/i.test(
    message,
  );
}

/** Maps connection failures to {@link UnavailableError} (→ UNAVAILABLE); returns anything else unchanged. */
export function translateDbError(err: unknown): unknown {
  if (err instanceof UnavailableError) return err;
  if (isConnectionError(err)) {
    const detail = errorMessage(err);
    return new UnavailableError("database", `${detail}; retry when PostgreSQL is reachable`, { cause: err });
  }
  return err;
}

/** Runs a database operation, turning connection failures into UNAVAILABLE. */
export async function dbCall<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    throw translateDbError(err);
  }
}

/** The constraint name when `err` is a unique violation (SQLSTATE 23505), else undefined. */
export function uniqueViolation(err: unknown): string | undefined {
  if (codeOf(err) !== "23505") return undefined;
  const driver = err as { driverError?: { constraint?: unknown }; constraint?: unknown };
  const constraint = driver.driverError?.constraint ?? driver.constraint;
  return typeof constraint === "string" ? constraint : "";
}
