import { openCache, type Cache } from "@mcp/coordination";
import { ApiKeyStore, UserStore, openDatabase, type DataSource } from "@mcp/db";
import { watchDatabase } from "./database-health.js";
import {
  coordinationMetrics,
  createMetricsRegistry,
  databaseScope,
  redactUrl,
  serverAuth,
  startServer,
  type Logger,
  type RunningServer,
  type Scope,
  type ServerOptions,
  type ServiceConfig,
} from "@mcp/runtime";

/** A metrics registry as the runtime creates it. */
export type MetricsRegistry = ReturnType<typeof createMetricsRegistry>;

/** What every service opens the same way before wiring its own modules. */
export interface Foundation {
  readonly dataSource: DataSource;
  /** Redis when configured (namespaced by database, fail-open), else in process. */
  readonly cache: Cache;
  readonly cacheKind: "redis" | "memory";
  /** This process's Prometheus registry, served at `/metrics`. */
  readonly metrics: MetricsRegistry;
  /** Serves the service's routes with API-key auth (per config), metrics, CORS, health and reflection. */
  serve(
    built: Pick<ServerOptions, "services" | "routes" | "validation" | "httpRoutes">,
    auth: ServeAuth,
  ): Promise<RunningServer>;
  /** Graceful stop: the server (when started), then `beforeClose` work, then the cache and the pool. */
  stop(server: RunningServer | undefined, beforeClose?: () => Promise<void>): Promise<void>;
}

/** How a service's calls are authorised when API keys are on (the runtime's `ScopePolicy`). */
export interface ServeAuth {
  /** Scope needed by the service's non-read calls: `write` (catalogues) or `execute` (the executor). */
  readonly mutating: Scope;
  /**
   * Services every method of which needs a scope, reads included, by type name — e.g. the executor's
   * `mcp.executor.v1.SecretService` → `admin`.
   */
  readonly services?: Readonly<Record<string, Scope>>;
  /** Whether this service calls others (then it warns when SERVICE_API_KEY is missing). */
  readonly callsOtherServices: boolean;
}

/** Opens PostgreSQL (applying migrations), the metrics registry and the cache for service `name`. */
export async function openFoundation(
  name: string,
  config: ServiceConfig,
  logger: Logger,
  options: { poolSize?: number } = {},
): Promise<Foundation> {
  const { dataSource, applied } = await openDatabase({ url: config.databaseUrl, ...options });
  logger.info({ database: redactUrl(config.databaseUrl), migrationsApplied: applied }, "database ready");
  const metrics = createMetricsRegistry();
  const cache = openCache({
    redisUrl: config.redisUrl,
    logger,
    name,
    prefix: `cache:${databaseScope(config.databaseUrl)}:`,
    metrics: coordinationMetrics(metrics),
  });
  logger.info(
    { cache: cache.kind },
    cache.kind === "redis" ? "caching in redis" : "no REDIS_URL: caching in process (single-node mode)",
  );
  let databaseHealth: { stop(): void } | undefined;
  return {
    dataSource,
    cache: cache.cache,
    cacheKind: cache.kind,
    metrics,
    async serve(built, auth) {
      const server = await startServer({
        name,
        host: config.host,
        port: config.port,
        logger,
        ...built,
        interceptors: serverAuth(
          config,
          { keys: new ApiKeyStore(dataSource), users: new UserStore(dataSource) },
          { ...auth, logger },
        ),
        corsOrigins: config.corsOrigins,
        maxRequestBytes: config.maxRequestBytes,
        metrics,
      });
      databaseHealth = watchDatabase(
        dataSource,
        server,
        built.services.map((s) => s.typeName),
        logger,
      );
      return server;
    },
    async stop(server, beforeClose) {
      databaseHealth?.stop();
      await server?.close(config.shutdownGraceMs);
      await beforeClose?.();
      await cache.close();
      await dataSource.destroy();
    },
  };
}
