import { createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import type { TestDatabase } from "@mcp/db/testing";
import { createMigratedTestDatabase } from "./database";
import { WorkflowService } from "@mcp/proto/workflows";
import { createLogger, loadConfig } from "@mcp/runtime";
import { startWorkflows, type WorkflowsApp } from "@mcp/workflows/app";
import { startTestRegistry, TEST_REDIS_URL, type TestRegistry } from "./registry";

/** A registry and a workflows service on free ports, sharing one fresh database. */
export interface TestPlatform {
  readonly registry: TestRegistry;
  readonly workflows: WorkflowsApp;
  readonly db: TestDatabase;
  readonly client: Client<typeof WorkflowService>;
  stop(): Promise<void>;
}

/** Starts a workflows service on port 0 pointed at `registryUrl`, against `db`; auth off unless `env` says. */
export async function startTestWorkflows(
  db: TestDatabase,
  registryUrl: string,
  env: Record<string, string> = {},
): Promise<WorkflowsApp> {
  const config = loadConfig("workflows", {
    HOST: "127.0.0.1",
    PORT: "0",
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    REGISTRY_URL: registryUrl,
    LOG_LEVEL: process.env["TEST_LOG_LEVEL"] ?? "silent",
    SHUTDOWN_GRACE_MS: "2000",
    AUTH_ENABLED: "false",
    ...env,
  });
  return startWorkflows(config, createLogger({ service: "workflows", level: config.logLevel }));
}

/**
 * Starts the registry and the workflows service (talking to it over gRPC) on one new database.
 * `env` is added to both services' environment (e.g. `AUTH_ENABLED`, `SERVICE_API_KEY`).
 */
export async function startTestPlatform(
  options: { env?: Record<string, string> } = {},
): Promise<TestPlatform> {
  const db = await createMigratedTestDatabase();
  const registry = await startTestRegistry({ db, ...(options.env ? { env: options.env } : {}) });
  const workflows = await startTestWorkflows(db, registry.url, options.env);
  return {
    registry,
    workflows,
    db,
    client: createClient(WorkflowService, createGrpcTransport({ baseUrl: workflows.server.url })),
    async stop() {
      await workflows.stop();
      await registry.stop();
      await db.drop();
    },
  };
}
