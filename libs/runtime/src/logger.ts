import { pino, type Logger } from "pino";

export type { Logger } from "pino";

/** Structured JSON logger for one service process. Secrets are redacted by key name wherever they appear. */
export function createLogger(options: {
  service: string;
  level: string;
  destination?: pino.DestinationStream;
}): Logger {
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
    options.destination,
  );
}
