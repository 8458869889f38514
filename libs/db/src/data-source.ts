import "reflect-metadata";
import { DataSource, type LoggerOptions } from "typeorm";
import { ENTITIES } from "./entities/index.js";
import { MIGRATIONS } from "./migrations/index.js";
import { translateDbError } from "./errors.js";

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
 * Connects and applies pending migrations, holding an advisory lock so concurrent starts of several
 * services (or replicas) on one database migrate exactly once. Connection failures become
 * UnavailableError. Returns the names of the migrations applied.
 */
export async function openDatabase(
  options: DataSourceOptions,
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
      await runner.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
      const applied = await dataSource.runMigrations({ transaction: "each" });
      return { dataSource, applied: applied.map((m) => m.name) };
    } finally {
      await runner.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => undefined);
      await runner.release();
    }
  } catch (err) {
    await dataSource.destroy().catch(() => undefined);
    throw translateDbError(err);
  }
}
