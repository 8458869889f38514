import { pino, type Logger } from "pino";
import pinoPretty from "pino-pretty";

export type { Logger } from "pino";

/** How log lines are written: `json` (one object per line), `pretty` (for people), `auto` (pretty on a terminal). */
export type LogFormat = "json" | "pretty" | "auto";

/**
 * Logger for one service process: JSON lines, or (format `pretty`, or `auto` on a terminal) one
 * readable line per entry through pino-pretty. Secrets are redacted by key name wherever they appear.
 */
export function createLogger(options: {
  service: string;
  level: string;
  format?: LogFormat;
  destination?: pino.DestinationStream;
}): Logger {
  const pretty =
    options.destination === undefined &&
    (options.format === "pretty" || (options.format === "auto" && process.stdout.isTTY === true));
  return pino(
    {
      level: options.level,
      base: { service: options.service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [
          "password",
          "*.password",
          "apiKey",
          "*.apiKey",
          "authorization",
          "*.authorization",
          "api_key",
          "*.api_key",
          "SECRETS_KEY",
          "*.SECRETS_KEY",
        ],
        censor: "[redacted]",
      },
    },
    pretty
      ? pinoPretty({
          sync: true,
          colorize: process.stdout.isTTY === true,
          translateTime: "SYS:HH:MM:ss.l",
          ignore: "pid,hostname,service",
          singleLine: true,
          messageFormat: "{service} {msg}",
        })
      : options.destination,
  );
}
