import { randomBytes, randomUUID } from "node:crypto";
import { Client } from "pg";
import { DataSource } from "typeorm";
import { MIGRATIONS } from "./migrations/index.js";
import { openDatabase } from "./data-source.js";
import type { NewRun } from "./repositories/run-store.js";
import { stepRow } from "./repositories/step-row.js";

/** A throwaway database for one test run. */
export interface TestDatabase {
  /** Connection URL of the new database. */
  readonly url: string;
  readonly name: string;
  /** Drops the database (terminating any leftover connections). */
  drop(): Promise<void>;
}

/** The server tests create their databases on: `TEST_DATABASE_URL`, else the local PostgreSQL. */
export function adminUrl(): string {
  return process.env["TEST_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/postgres";
}

async function withAdmin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates a fresh database with a random name (`mcp_test_<hex>`); call `drop()` after. Empty, or a
 * copy of `options.template` (`CREATE DATABASE ... TEMPLATE`, e.g. one already migrated: see
 * {@link createMigratedTemplate}); nothing may be connected to the template meanwhile.
 */
export async function createTestDatabase(
  prefix = "mcp_test",
  options: { readonly template?: string } = {},
): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const template = options.template === undefined ? "" : ` TEMPLATE "${options.template}"`;
  await withAdmin((c) => c.query(`CREATE DATABASE "${name}"${template}`));
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () =>
      withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/**
 * The database named `name`, created when missing, and never dropped (`drop()` does nothing): for a
 * benchmark that keeps a costly data set between runs. `created` says whether it was just made.
 */
export async function keptDatabase(name: string): Promise<TestDatabase & { readonly created: boolean }> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a plain database name: ${name}`);
  const created = await withAdmin(async (c) => {
    const found = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount) return false;
    await c.query(`CREATE DATABASE "${name}"`);
    return true;
  });
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return { url: url.toString(), name, created, drop: () => Promise.resolve() };
}

/**
 * Applies this build's migrations up to and including the one named `last` to the database at `url`:
 * the schema as an older release left it, to put rows in before the later migrations run.
 */
export async function migrateThrough(url: string, last: string): Promise<void> {
  const upTo = MIGRATIONS.findIndex((m) => new m().name === last);
  if (upTo < 0) throw new Error(`no migration named ${last}`);
  const before = new DataSource({
    type: "postgres",
    url,
    migrations: MIGRATIONS.slice(0, upTo + 1),
    migrationsTableName: "schema_migrations",
    migrationsTransactionMode: "each",
  });
  await before.initialize();
  try {
    await before.runMigrations();
  } finally {
    await before.destroy();
  }
}

/**
 * A database with every migration applied, made to be copied by {@link createTestDatabase}'s
 * `template` (copying it takes about as long as creating an empty database; migrating one takes
 * far longer). Its connections are closed when this resolves; `drop()` it when done.
 */
export async function createMigratedTemplate(prefix = "mcp_template"): Promise<TestDatabase> {
  const db = await createTestDatabase(prefix);
  try {
    const { dataSource } = await openDatabase({ url: db.url, poolSize: 2 });
    await dataSource.destroy();
  } catch (err) {
    await db.drop().catch(() => undefined);
    throw err;
  }
  return db;
}

/** A pending workflow run with one pending step `a`, as the executor creates runs (`RunStore.create`). */
export function oneStepRun(requestId: string | null = null): NewRun {
  const id = randomUUID();
  const now = new Date();
  return {
    run: {
      id,
      workspace: "default",
      kind: "workflow",
      parentRunId: null,
      parentStepId: null,
      workflowId: null,
      workflowName: "wf",
      workflowVersion: 1,
      mcpId: null,
      mcpName: null,
      mcpVersion: null,
      status: "pending",
      inputs: {},
      outputs: null,
      error: null,
      requestId,
      plan: { requestHash: "h" },
      fallbackRunId: null,
      createdAt: now,
      updatedAt: now,
    },
    steps: [
      stepRow({
        id: randomUUID(),
        runId: id,
        stepId: "a",
        position: 0,
        status: "pending",
        mcpName: "m",
        mcpVersion: 1,
        mcpType: "python_script",
      }),
    ],
  };
}

/**
 * Polls `probe` every 20 ms until it returns true; throws naming `what` after `timeoutMs`. For
 * conditions another session or process brings about (PostgreSQL's statistics views, a lock freed).
 */
export async function until(
  what: string,
  probe: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
