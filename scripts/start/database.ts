import { Client, escapeIdentifier } from "pg";
import { redactUrl } from "@mcp/runtime";
import { LaunchError } from "./plan.js";

const HOW_TO_CONFIGURE =
  "Start PostgreSQL there, or point the platform at one: set DATABASE_URL " +
  "(e.g. postgres://user:password@host:5432/mcp) or POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER, " +
  "POSTGRES_PASSWORD, POSTGRES_DB, in the environment or in .env.";

/** A readable reason for a connection error (Node reports refused dual-stack connects as an AggregateError). */
function reason(err: unknown): string {
  if (err instanceof AggregateError) return err.errors.map(reason).join("; ");
  if (err instanceof Error) return err.message || ("code" in err ? String(err.code) : err.name);
  return String(err);
}

/**
 * Creates the database named in `url` unless it exists, connecting to the server's `postgres`
 * database. Returns true when it created it. Throws {@link LaunchError} saying what to set when
 * PostgreSQL cannot be reached.
 */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!name) throw new LaunchError(`the database URL ${redactUrl(url)} names no database`, 2);
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (err) {
    throw new LaunchError(
      `PostgreSQL is not reachable at ${redactUrl(admin.toString())}: ${reason(err)}\n${HOW_TO_CONFIGURE}`,
    );
  }
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE ${escapeIdentifier(name)}`);
    return true;
  } catch (err) {
    // 42P04 duplicate_database: something else created it meanwhile.
    if (err instanceof Error && "code" in err && err.code === "42P04") return false;
    throw new LaunchError(`could not create database "${name}": ${reason(err)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Where `npm start` finds PostgreSQL. An explicit `DATABASE_URL` or `POSTGRES_HOST` means an
 * external server (with only `POSTGRES_*`, the database is created there when missing); neither
 * means an embedded PostgreSQL in the data folder (`MCP_DATA_DIR`, default `.data`).
 */
export function databaseSource(env: NodeJS.ProcessEnv): "url" | "postgres-host" | "embedded" {
  if (env["DATABASE_URL"]) return "url";
  if (env["POSTGRES_HOST"]) return "postgres-host";
  return "embedded";
}
