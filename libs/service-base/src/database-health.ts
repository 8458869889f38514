import type { DataSource } from "@mcp/db";
import { ServingStatus, type Logger, type RunningServer } from "@mcp/runtime";

/** How often PostgreSQL is checked while it answers, and while it does not. */
const UP_INTERVAL_MS = 1_000;
const DOWN_INTERVAL_MS = 250;
/** A check that takes longer than this counts as the database being unreachable. */
const CHECK_TIMEOUT_MS = 1_000;

/**
 * Keeps a server's health in step with its database: NOT_SERVING (for the server and each of its
 * `services`) while `SELECT 1` fails or takes over a second, so a load balancer or Kubernetes routes
 * around it; SERVING again at the first check that answers (checks run every 250 ms while it is down,
 * so within a second of its return). Other health entries (the sandbox's) are left alone; a server
 * that is shutting down stays NOT_SERVING. Redis is not checked: every service keeps answering
 * without it (caches, locks and events degrade to the database).
 */
export function watchDatabase(
  dataSource: DataSource,
  server: RunningServer,
  services: readonly string[],
  logger: Logger,
): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let up = true;
  const names = ["", ...services];
  const check = async () => {
    const answered = await Promise.race([
      dataSource.query("SELECT 1").then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), CHECK_TIMEOUT_MS).unref()),
    ]);
    if (stopped || server.stopping.aborted) return;
    if (answered !== up) {
      up = answered;
      for (const name of names)
        server.health.set(up ? ServingStatus.SERVING : ServingStatus.NOT_SERVING, name);
      if (up) logger.info("database reachable again: health SERVING");
      else logger.warn("database unreachable: health NOT_SERVING until it answers again");
    }
    timer = setTimeout(() => void check(), up ? UP_INTERVAL_MS : DOWN_INTERVAL_MS);
  };
  timer = setTimeout(() => void check(), UP_INTERVAL_MS);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
