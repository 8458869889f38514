import { closeRedis, createRedis, MemoryCache, RedisCache, type Cache } from "@mcp/coordination";
import { openDatabase } from "@mcp/db";
import { redactUrl, startServer, type Logger, type RunningServer, type ServiceConfig } from "@mcp/runtime";
import type { Redis } from "ioredis";
import { build } from "./server.js";

/** A started registry and how to stop it. */
export interface RegistryApp {
  readonly server: RunningServer;
  /** Graceful: stop accepting, finish in-flight calls, close the pools. */
  stop(): Promise<void>;
}

/**
 * The registry's composition root: opens PostgreSQL (running migrations), the cache (Redis when
 * configured, else in-process), and serves RegistryService with health and reflection.
 */
export async function startRegistry(config: ServiceConfig, logger: Logger): Promise<RegistryApp> {
  const { dataSource, applied } = await openDatabase({ url: config.databaseUrl });
  logger.info({ database: redactUrl(config.databaseUrl), migrationsApplied: applied }, "database ready");
  let redis: Redis | undefined;
  let cache: Cache;
  if (config.redisUrl) {
    redis = createRedis({ url: config.redisUrl, logger, name: "registry-cache" });
    cache = new RedisCache(redis, { prefix: "mcp:", logger });
    logger.info({ redis: redactUrl(config.redisUrl) }, "caching in redis");
  } else {
    cache = new MemoryCache({ maxEntries: 10_000 });
    logger.info("no REDIS_URL: caching in process (single-node mode)");
  }
  const built = build({ dataSource, cache });
  const server = await startServer({
    name: "registry",
    host: config.host,
    port: config.port,
    logger,
    services: built.services,
    routes: built.routes,
    validation: built.validation,
    corsOrigins: config.corsOrigins,
  });
  return {
    server,
    async stop() {
      await server.close(config.shutdownGraceMs);
      if (redis) await closeRedis(redis);
      await dataSource.destroy();
    },
  };
}
