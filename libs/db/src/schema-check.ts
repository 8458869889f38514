import type { QueryRunner } from "typeorm";
import { MIGRATIONS } from "./migrations/index.js";

/** How a process treats the database schema at start (`DB_MIGRATIONS`). */
export type MigrationMode = "run" | "check";

/**
 * The database's schema is not the one this build was made for. Thrown by `openDatabase` before the
 * service serves anything; the message says which way it differs and what to do.
 */
export class SchemaMismatchError extends Error {
  constructor(
    message: string,
    readonly unknown: readonly string[],
    readonly pending: readonly string[],
  ) {
    super(message);
    this.name = "SchemaMismatchError";
  }
}

/** The names this build's migrations record in `schema_migrations`, oldest first. */
export function knownMigrations(): string[] {
  return MIGRATIONS.map((m) => new m().name ?? m.name);
}

/** Names recorded in `schema_migrations` (none when the table does not exist yet: an empty database). */
async function appliedMigrations(runner: QueryRunner): Promise<string[]> {
  const exists = (await runner.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS present")) as {
    present: boolean;
  }[];
  if (!exists[0]?.present) return [];
  const rows = (await runner.query("SELECT name FROM schema_migrations ORDER BY timestamp")) as {
    name: string;
  }[];
  return rows.map((r) => r.name);
}

/**
 * Compares the database's applied migrations with this build's. A migration the build does not know
 * means the schema is NEWER (a later release migrated it): always refused, since this build may write
 * rows the newer schema forbids or misread ones it added. Pending migrations mean it is OLDER: refused
 * in `check` mode (the deployment runs migrations as a job: docs/deploy.md); in `run` mode the caller
 * applies them.
 */
export async function checkSchema(runner: QueryRunner, mode: MigrationMode): Promise<{ pending: string[] }> {
  const known = knownMigrations();
  const applied = await appliedMigrations(runner);
  const knownSet = new Set(known);
  const appliedSet = new Set(applied);
  const unknown = applied.filter((name) => !knownSet.has(name));
  const pending = known.filter((name) => !appliedSet.has(name));
  if (unknown.length) {
    throw new SchemaMismatchError(
      `the database schema is newer than this build: it has ${unknown.length} migration(s) this build ` +
        `does not know (${unknown.join(", ")}). Run the release that applied them, or restore the ` +
        `database from before that release; this build will not start on it`,
      unknown,
      pending,
    );
  }
  if (pending.length && mode === "check") {
    throw new SchemaMismatchError(
      `the database schema is older than this build: ${pending.length} migration(s) not applied ` +
        `(${pending.join(", ")}). Run the migration job first (\`node dist/migrate.cjs\`, ` +
        `\`npm run migrate\`, or the Kubernetes Job in deploy/k8s), or set DB_MIGRATIONS=run`,
      unknown,
      pending,
    );
  }
  return { pending };
}
