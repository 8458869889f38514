import { openCache } from "@mcp/coordination";
import { ApiKeyStore, openDatabase } from "@mcp/db";
import { RegistryService } from "@mcp/proto/registry";
import {
  createServiceClient,
  redactUrl,
  databaseScope,
  serverAuth,
  startServer,
  createMetricsRegistry,
  coordinationMetrics,
  type Logger,
  type RunningServer,
  type ServiceConfig,
} from "@mcp/runtime";
import { build } from "./server.js";

/** A started workflows service and how to stop it. */
export interface WorkflowsApp {
  readonly server: RunningServer;
  stop(): Promise<void>;
}

/**
 * The workflows service's composition root: PostgreSQL (migrations), the cache, a gRPC client of the
 * registry at REGISTRY_URL, and WorkflowService with health and reflection.
 */
export async function startWorkflows(config: ServiceConfig, logger: Logger): Promise<WorkflowsApp> {
  const { dataSource, applied } = await openDatabase({ url: config.databaseUrl });
  logger.info({ database: redactUrl(config.databaseUrl), migrationsApplied: applied }, "database ready");
  const metrics = createMetricsRegistry();
  const cache = openCache({
    redisUrl: config.redisUrl,
    logger,
    name: "workflows",
    prefix: `cache:${databaseScope(config.databaseUrl)}:`,
    metrics: coordinationMetrics(metrics),
  });
  logger.info({ cache: cache.kind, registry: config.registryUrl }, "dependencies ready");
  const registry = createServiceClient(RegistryService, config.registryUrl, {
    timeoutMs: 5_000,
    apiKey: config.auth.serviceApiKey,
  });
  const built = build({ dataSource, cache: cache.cache, registry });
  const server = await startServer({
    name: "workflows",
    host: config.host,
    port: config.port,
    logger,
    ...built,
    interceptors: serverAuth(config, new ApiKeyStore(dataSource), {
      mutating: "write",
      logger,
      callsOtherServices: true,
    }),
    corsOrigins: config.corsOrigins,
    metrics,
  });
  return {
    server,
    async stop() {
      await server.close(config.shutdownGraceMs);
      await cache.close();
      await dataSource.destroy();
    },
  };
}
