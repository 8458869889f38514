/**
 * The logging surface this library needs: structured object first, message second.
 * A pino logger satisfies it, so services pass theirs in; tests pass a recording one.
 */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}
