import { createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import type { TestDatabase } from "@mcp/db/testing";
import { createMigratedTestDatabase } from "./database";
import { RegistryService } from "@mcp/proto/registry";
import { startRegistry, type RegistryApp } from "@mcp/registry/app";
import { loadRegistryConfig } from "@mcp/registry/config";
import { createLogger } from "@mcp/runtime";

/** A registry on a free port with its own fresh database. */
export interface TestRegistry {
  readonly url: string;
  readonly app: RegistryApp;
  readonly db: TestDatabase;
  readonly client: Client<typeof RegistryService>;
  /** Stops the server and drops the database. */
  stop(): Promise<void>;
}

/**
 * Redis for tests: the machine's, unless `TEST_REDIS_URL` says otherwise; by default the Redis
 * database numbered after the Jest worker (`/1`, `/2`; Redis has 16), so suites running side by
 * side never share a cache key or a lock (the services' keys have no per-suite prefix: one suite's
 * cached `mcp:def:default:name:echo` would answer another's lookup). Pub/sub is not per database,
 * but the services' channels carry run ids (and `runs:new` only wakes executors to look for work).
 */
export const TEST_REDIS_URL =
  process.env["TEST_REDIS_URL"] ??
  `redis://127.0.0.1:6379/${Number(process.env["JEST_WORKER_ID"] ?? 0) % 16}`;

/**
 * Starts a registry on port 0 against a new database. `redisUrl: null` runs it without Redis
 * (in-process cache); a dead URL exercises the Redis-down path. Auth is off unless `env` turns it on.
 */
export async function startTestRegistry(
  options: { redisUrl?: string | null; db?: TestDatabase; env?: Record<string, string> } = {},
): Promise<TestRegistry> {
  const db = options.db ?? (await createMigratedTestDatabase());
  const redisUrl = options.redisUrl === undefined ? TEST_REDIS_URL : options.redisUrl;
  const config = loadRegistryConfig({
    HOST: "127.0.0.1",
    PORT: "0",
    DATABASE_URL: db.url,
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    LOG_LEVEL: process.env["TEST_LOG_LEVEL"] ?? "silent",
    SHUTDOWN_GRACE_MS: "2000",
    AUTH_ENABLED: "false",
    ...options.env,
  });
  const app = await startRegistry(config, createLogger({ service: "registry", level: config.logLevel }));
  const client = createClient(RegistryService, createGrpcTransport({ baseUrl: app.server.url }));
  return {
    url: app.server.url,
    app,
    db,
    client,
    async stop() {
      await app.stop();
      if (!options.db) await db.drop();
    },
  };
}
