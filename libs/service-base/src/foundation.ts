import { openCache, type Cache } from "@mcp/coordination";
import {
  ApiKeyStore,
  AuditStore,
  MemberStore,
  UserStore,
  WorkspaceStore,
  openDatabase,
  type DataSource,
} from "@mcp/db";
import { watchDatabase } from "./database-health.js";
import {
  CachedWorkspaceDirectory,
  coordinationMetrics,
  createMetricsRegistry,
  databaseScope,
  redactUrl,
  serverAuth,
  signInVerifier,
  startServer,
  workspaceExistsInterceptor,
  workspaceInterceptor,
  type Logger,
  type RunningServer,
  type ServerOptions,
  type ServiceConfig,
} from "@mcp/runtime";

/** A metrics registry as the runtime creates it. */
export type MetricsRegistry = ReturnType<typeof createMetricsRegistry>["registry"];

/** What every service opens the same way before wiring its own modules. */
export interface Foundation {
  readonly dataSource: DataSource;
  /** Redis when configured (namespaced by database, fail-open), else in process. */
  readonly cache: Cache;
  readonly cacheKind: "redis" | "memory";
  /** This process's Prometheus registry, served at `/metrics`. */
  readonly metrics: MetricsRegistry;
  /**
   * Serves the service's routes with authentication and the role policy (per config), the audit log,
   * metrics, CORS, health and reflection.
   */
  serve(
    built: Pick<ServerOptions, "services" | "routes" | "validation" | "httpRoutes">,
    auth: ServeAuth,
  ): Promise<RunningServer>;
  /**
   * Graceful stop: the server (when started), then `beforeClose` work, then the cache, the pool and
   * the default metrics' GC observer and event-loop monitor.
   */
  stop(server: RunningServer | undefined, beforeClose?: () => Promise<void>): Promise<void>;
}

/**
 * How a service's calls are authorised when authentication is on. What each RPC needs is the runtime's
 * one policy table (`POLICY`, docs/adr/022), not a per-service setting.
 */
export interface ServeAuth {
  /** Whether this service calls others (then it warns when SERVICE_API_KEY is missing). */
  readonly callsOtherServices: boolean;
}

/** Whether a workspace exists, from the `workspaces` table. */
function workspaceLookup(dataSource: DataSource): (name: string) => Promise<boolean> {
  const store = new WorkspaceStore(dataSource);
  return async (name) => (await store.find(name)) !== undefined;
}

/** Opens PostgreSQL (applying migrations), the metrics registry and the cache for service `name`. */
export async function openFoundation(
  name: string,
  config: ServiceConfig,
  logger: Logger,
  options: { poolSize?: number } = {},
): Promise<Foundation> {
  const { dataSource, applied } = await openDatabase({
    url: config.databaseUrl,
    migrations: config.migrations,
    ...options,
  });
  logger.info({ database: redactUrl(config.databaseUrl), migrationsApplied: applied }, "database ready");
  const { registry: metrics, stop: stopMetrics } = createMetricsRegistry();
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
        // the call's workspace (x-mcp-workspace) first, so authentication can check a key serves it;
        // whether it exists only after authentication (docs/adr/021)
        interceptors: [
          workspaceInterceptor(),
          ...serverAuth(
            config,
            {
              keys: new ApiKeyStore(dataSource),
              members: new MemberStore(dataSource),
              users: signInVerifier(config, new UserStore(dataSource)),
            },
            { ...auth, logger },
          ),
          workspaceExistsInterceptor(new CachedWorkspaceDirectory(workspaceLookup(dataSource))),
        ],
        audit: new AuditStore(dataSource),
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
      try {
        await server?.close(config.shutdownGraceMs);
        await beforeClose?.();
        await cache.close();
        await dataSource.destroy();
      } finally {
        stopMetrics();
      }
    },
  };
}
