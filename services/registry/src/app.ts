import { openCache } from "@mcp/coordination";
import { ApiKeyStore, openDatabase } from "@mcp/db";
import {
  coordinationMetrics,
  createMetricsRegistry,
  redactUrl,
  databaseScope,
  serverAuth,
  startServer,
  type Logger,
  type RunningServer,
  type ServiceConfig,
} from "@mcp/runtime";
import { build } from "./server.js";
import { HttpToolProbe } from "./tools/index.js";

/** A started registry and how to stop it. */
export interface RegistryApp {
  readonly server: RunningServer;
  /** Graceful: stop accepting, finish in-flight calls, close the pools. */
  stop(): Promise<void>;
}

/**
 * The registry's composition root: opens PostgreSQL (running migrations), the cache (Redis when
 * configured, else in-process), and serves RegistryService with health and reflection. `mcp_tool`
 * servers are probed over Streamable HTTP (5 s) when a version is written.
 */
export async function startRegistry(config: ServiceConfig, logger: Logger): Promise<RegistryApp> {
  const { dataSource, applied } = await openDatabase({ url: config.databaseUrl });
  logger.info({ database: redactUrl(config.databaseUrl), migrationsApplied: applied }, "database ready");
  const metrics = createMetricsRegistry();
  const cache = openCache({
    redisUrl: config.redisUrl,
    logger,
    name: "registry",
    prefix: `cache:${databaseScope(config.databaseUrl)}:`,
    metrics: coordinationMetrics(metrics),
  });
  logger.info(
    { cache: cache.kind },
    cache.kind === "redis" ? "caching in redis" : "no REDIS_URL: caching in process (single-node mode)",
  );
  const built = build({ dataSource, cache: cache.cache, toolProbe: new HttpToolProbe() });
  const server = await startServer({
    name: "registry",
    host: config.host,
    port: config.port,
    logger,
    ...built,
    interceptors: serverAuth(config, new ApiKeyStore(dataSource), {
      mutating: "write",
      logger,
      callsOtherServices: false,
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
