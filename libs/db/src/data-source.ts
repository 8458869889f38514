import "reflect-metadata";
import { setTimeout as sleep } from "node:timers/promises";
import { DataSource, type LoggerOptions, type QueryRunner } from "typeorm";
import { ENTITIES } from "./entities/index.js";
import { MIGRATIONS } from "./migrations/index.js";
import { translateDbError } from "./errors.js";
import { SchemaMismatchError, checkSchema, type MigrationMode } from "./schema-check.js";

/** Options of {@link createDataSource}. */
export interface DataSourceOptions {
  /** `postgres://user:password@host:port/db`. */
  readonly url: string;
  /** Connections in the pool; default 10. */
  readonly poolSize?: number;
  /** How long to wait for a connection before failing with UNAVAILABLE; default 5 s. */
  readonly connectTimeoutMs?: number;
  /** Longest single statement; default 30 s. */
  readonly statementTimeoutMs?: number;
  /** TypeORM query logging (off by default). */
  readonly logging?: LoggerOptions;
}

/** Builds (does not connect) the platform's DataSource. `synchronize` is never used: migrations own the schema. */
export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: "postgres",
    url: options.url,
    entities: [...ENTITIES],
    migrations: [...MIGRATIONS],
    migrationsTableName: "schema_migrations",
    migrationsTransactionMode: "each",
    synchronize: false,
    logging: options.logging ?? false,
    poolSize: options.poolSize ?? 10,
    extra: {
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      statement_timeout: options.statementTimeoutMs ?? 30_000,
      application_name: "mcp-platform",
    },
  });
}

/** Any key for `pg_advisory_lock`: serialises migrations when several services start at once. */
const MIGRATION_LOCK_KEY = 727_001;

/**
 * Takes the migration lock, polling with `pg_try_advisory_lock` rather than blocking in
 * `pg_advisory_lock`: a session blocked in a statement holds a snapshot, and `CREATE INDEX
 * CONCURRENTLY` (migration 1767900000000) waits for every older snapshot to go, so the services
 * waiting for the lock would wait forever on the one migrating.
 */
async function takeMigrationLock(runner: QueryRunner): Promise<void> {
  for (;;) {
    const rows = (await runner.query("SELECT pg_try_advisory_lock($1) AS locked", [MIGRATION_LOCK_KEY])) as {
      locked: boolean;
    }[];
    if (rows[0]?.locked) return;
    await sleep(100);
  }
}

/**
 * Connects and checks the schema against this build's migrations ({@link checkSchema}): a newer schema
 * is always refused (SchemaMismatchError); pending migrations are applied in `run` mode (the default),
 * holding an advisory lock so concurrent starts of several services (or replicas) on one database
 * migrate exactly once, and refused in `check` mode (deployments that migrate with a job first).
 * Connection failures become UnavailableError. Returns the names of the migrations applied.
 */
export async function openDatabase(
  options: DataSourceOptions & { readonly migrations?: MigrationMode },
): Promise<{ dataSource: DataSource; applied: string[] }> {
  const dataSource = createDataSource(options);
  try {
    await dataSource.initialize();
  } catch (err) {
    throw translateDbError(err);
  }
  try {
    const runner = dataSource.createQueryRunner();
    try {
      await runner.connect();
      await takeMigrationLock(runner);
      const { pending } = await checkSchema(runner, options.migrations ?? "run");
      if (!pending.length) return { dataSource, applied: [] };
      const applied = await dataSource.runMigrations({ transaction: "each" });
      return { dataSource, applied: applied.map((m) => m.name) };
    } finally {
      await runner.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => undefined);
      await runner.release();
    }
  } catch (err) {
    await dataSource.destroy().catch(() => undefined);
    if (err instanceof SchemaMismatchError) throw err;
    throw translateDbError(err);
  }
}
