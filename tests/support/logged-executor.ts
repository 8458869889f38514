import { startExecutor, type ExecutorApp } from "@mcp/executor/app";
import { createLogger } from "@mcp/runtime";
import { executorEnv, type TestPlatform } from "./platform";
import { loadExecutorConfig } from "@mcp/executor/config";

/** One parsed pino log record. */
export type LogRecord = Record<string, unknown> & { readonly msg?: string };

/** An in-process executor whose log records (at debug level) the test can read. */
export interface LoggedExecutor {
  readonly app: ExecutorApp;
  readonly url: string;
  readonly records: LogRecord[];
  /** Run ids this executor claimed, once per claim (from its "claimed run" records). */
  claimedRunIds(): string[];
  stop(): Promise<void>;
}

/**
 * Starts one more executor replica on `p`'s database and services, logging at debug into memory
 * (and to stdout too when `TEST_LOG_LEVEL` is set, and not to `silent`). Not tracked by `p.stop()`:
 * stop it yourself.
 */
export async function startLoggedExecutor(
  p: TestPlatform,
  extra: Record<string, string> = {},
): Promise<LoggedExecutor> {
  const records: LogRecord[] = [];
  const level = process.env["TEST_LOG_LEVEL"];
  const echo = level !== undefined && level !== "silent";
  const destination = {
    write(line: string) {
      if (echo) process.stdout.write(line);
      try {
        records.push(JSON.parse(line) as LogRecord);
      } catch {
        records.push({ msg: line });
      }
    },
  };
  const config = loadExecutorConfig(executorEnv(p.db, p.registry.url, p.workflows.server.url, extra));
  const app = await startExecutor(config, createLogger({ service: "executor", level: "debug", destination }));
  return {
    app,
    url: app.server.url,
    records,
    claimedRunIds: () => records.filter((r) => r.msg === "claimed run").map((r) => String(r["run_id"])),
    stop: () => app.stop(),
  };
}
