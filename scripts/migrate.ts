/**
 * `npm run migrate` (compiled: `node dist/migrate.cjs`): applies the database migrations this build
 * has and exits — the migration Job of deploy/k8s, and compose's `migrate` service. Services started
 * with `DB_MIGRATIONS=check` refuse a schema that is not exactly theirs (docs/deploy.md).
 *
 *   migrate              apply pending migrations
 *   migrate --wait <s>   apply nothing: wait until the schema is this build's (polling every 2 s),
 *                        for a service's init container while the Job migrates
 *
 * Reads the database settings the services read (`DATABASE_URL`, else `POSTGRES_*`; `.env`).
 * Exit codes: 0 done, 1 failed (database unreachable, a migration failed, the schema is newer than
 * this build, or still older after the wait), 2 bad usage or configuration.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { openDatabase, SchemaMismatchError } from "@mcp/db";
import { ConfigError, createLogger, loadConfig, loadDotEnv, redactUrl, type Logger } from "@mcp/runtime";

const POLL_MS = 2_000;

function usage(message: string): never {
  process.stderr.write(`migrate: ${message}\nusage: migrate [--wait <seconds>]\n`);
  process.exit(2);
}

/** Applies pending migrations. */
async function migrate(databaseUrl: string, logger: Logger): Promise<void> {
  const { dataSource, applied } = await openDatabase({ url: databaseUrl, migrations: "run", poolSize: 2 });
  await dataSource.destroy();
  logger.info(
    { database: redactUrl(databaseUrl), applied },
    applied.length ? `applied ${applied.length} migration(s)` : "the schema is up to date",
  );
}

/** Waits until the schema is exactly this build's; a newer schema fails at once. */
async function waitForSchema(databaseUrl: string, logger: Logger, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1_000;
  for (let attempt = 0; ; attempt++) {
    try {
      const { dataSource } = await openDatabase({ url: databaseUrl, migrations: "check", poolSize: 2 });
      await dataSource.destroy();
      logger.info({ database: redactUrl(databaseUrl) }, "the schema is this build's");
      return;
    } catch (err) {
      const older = err instanceof SchemaMismatchError && err.unknown.length === 0;
      const retriable = older || !(err instanceof SchemaMismatchError);
      if (!retriable || Date.now() + POLL_MS > deadline) throw err;
      if (attempt % 15 === 0) {
        logger.info(
          { pending: older ? err.pending : undefined, err: older ? undefined : err },
          older ? "waiting for the migration job" : "waiting for the database",
        );
      }
      await sleep(POLL_MS);
    }
  }
}

async function main(): Promise<void> {
  let wait: number | undefined;
  try {
    const { values } = parseArgs({ options: { wait: { type: "string" } } });
    if (values.wait !== undefined) {
      wait = Number(values.wait);
      if (!Number.isInteger(wait) || wait < 0)
        usage(`--wait takes a whole number of seconds, not "${values.wait}"`);
    }
  } catch (err) {
    usage((err as Error).message);
  }
  loadDotEnv();
  let databaseUrl: string;
  let logger: Logger;
  try {
    const config = loadConfig("registry", process.env);
    databaseUrl = config.databaseUrl;
    logger = createLogger({ service: "migrate", level: config.logLevel, format: config.logFormat });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`migrate: ${err.message}\n`);
    process.exit(2);
  }
  try {
    if (wait === undefined) await migrate(databaseUrl, logger);
    else await waitForSchema(databaseUrl, logger, wait);
  } catch (err) {
    const what = wait === undefined ? "migration failed" : "the schema did not become this build's";
    if (err instanceof SchemaMismatchError) {
      logger.fatal({ unknown: err.unknown, pending: err.pending }, `${what}: ${err.message}`);
    } else {
      logger.fatal({ err }, what);
    }
    process.exit(1);
  }
}

void main();
