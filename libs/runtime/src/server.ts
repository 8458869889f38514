import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { DescService } from "@bufbuild/protobuf";
import type { ConnectRouter, Interceptor } from "@connectrpc/connect";
import { health, reflectionV1, reflectionV1alpha } from "@mcp/proto/grpc";
import { DEFAULT_MAX_REQUEST_BYTES, REQUEST_SHAPE_LIMITS } from "@mcp/validation";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { applyCors } from "./cors.js";
import { HealthState, ServingStatus, healthService } from "./health.js";
import { auditInterceptor, type AuditSink } from "./audit/index.js";
import { errorInterceptor } from "./interceptors/errors.js";
import { loggingInterceptor } from "./interceptors/logging.js";
import { validationInterceptor, type ValidationTable } from "./interceptors/validation.js";
import { serveMetrics } from "./metrics/http.js";
import { metricsInterceptor } from "./metrics/rpc-interceptor.js";
import { listenOnePort } from "./one-port.js";
import { tracingServerInterceptor } from "./tracing/rpc-spans.js";
import { reflectionServices } from "./reflection.js";
import { createNodeHandler } from "./requests/node-handler.js";

/** What a service hands the runtime to be served. */
export interface ServerOptions {
  /** Short service name, e.g. `registry`; used as the ErrorInfo domain and in logs. */
  readonly name: string;
  readonly host: string;
  /** 0 = any free port. */
  readonly port: number;
  readonly logger: Logger;
  /** The application services (for reflection and health). */
  readonly services: readonly DescService[];
  /** Registers the application service implementations. */
  readonly routes: (router: ConnectRouter) => void;
  /** Request validators, run once per call before the handler (after the limit walk, docs/limits.md). */
  readonly validation?: ValidationTable;
  /**
   * Where the audit log goes: every mutating call is appended once it ends (outside error mapping, so
   * it records the status code the caller sees; docs/adr/022). Unset: no audit log.
   */
  readonly audit?: AuditSink;
  /** Extra interceptors (e.g. authentication), run after logging, error mapping and validation. */
  readonly interceptors?: readonly Interceptor[];
  readonly corsOrigins?: readonly string[];
  /** Largest accepted request message (MAX_REQUEST_BYTES), after decompression; default 4 MiB. */
  readonly maxRequestBytes?: number;
  /** When set, RPCs are counted and timed into it and `GET /metrics` serves it (open, like health). */
  readonly metrics?: Registry;
  /**
   * Plain HTTP routes beside the RPCs (e.g. the executor's `POST /hooks/<name>`): asked first for
   * every request; one that answers returns true, and the RPC handler never sees the request.
   */
  readonly httpRoutes?: HttpRoute;
}

/** A plain HTTP route: answers the request and returns true, or returns false to pass it on. */
export type HttpRoute = (
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
) => boolean;

/** A server listening on one port for gRPC, gRPC-Web and Connect. */
export interface RunningServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>` — where clients on this machine reach it. */
  readonly url: string;
  readonly health: HealthState;
  /** Aborted when shutdown begins; long-lived streams end on it. */
  readonly stopping: AbortSignal;
  /** Graceful stop: NOT_SERVING, stop accepting, finish in-flight calls (up to `graceMs`), close. */
  close(graceMs?: number): Promise<void>;
}

/** Serves the application services plus health and reflection (v1 and v1alpha) on one port. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { logger } = options;
  const stopping = new AbortController();
  const healthState = new HealthState(options.services.map((s) => s.typeName));
  const reflection = reflectionServices([
    ...options.services,
    health.Health,
    reflectionV1.ServerReflection,
    reflectionV1alpha.ServerReflection,
  ]);
  // The request gate reads every body before connect-es decodes it (docs/adr/009); validation runs
  // before authentication, which reads the database.
  const handler = createNodeHandler({
    routes(router) {
      options.routes(router);
      router.service(health.Health, healthService(healthState, stopping.signal));
      router.service(reflectionV1.ServerReflection, reflection.v1);
      router.service(reflectionV1alpha.ServerReflection, reflection.v1alpha);
    },
    interceptors: [
      // outermost: the call's span is active for every other interceptor and the handler
      tracingServerInterceptor(options.name),
      loggingInterceptor(logger),
      ...(options.metrics ? [metricsInterceptor(options.metrics)] : []),
      ...(options.audit ? [auditInterceptor(options.audit, logger)] : []),
      errorInterceptor({ domain: `${options.name}.mcp-platform`, logger }),
      validationInterceptor(options.validation ?? new Map()),
      ...(options.interceptors ?? []),
    ],
    gate: {
      maxRequestBytes: options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
      limits: REQUEST_SHAPE_LIMITS,
      domain: `${options.name}.mcp-platform`,
      logger,
    },
    logger,
  });
  const origins = options.corsOrigins ?? ["*"];
  const listener = await listenOnePort(
    (req, res) => {
      if (options.metrics && serveMetrics(options.metrics, req, res)) return;
      if (options.httpRoutes?.(req, res)) return;
      if (applyCors(origins, req, res)) return;
      handler(req, res);
    },
    { host: options.host, port: options.port },
  );
  const url = `http://127.0.0.1:${listener.port}`;
  logger.info({ port: listener.port, services: options.services.map((s) => s.typeName) }, "listening");

  let closing: Promise<void> | undefined;
  return {
    port: listener.port,
    url,
    health: healthState,
    stopping: stopping.signal,
    close(graceMs = 10_000) {
      closing ??= (async () => {
        healthState.set(ServingStatus.NOT_SERVING);
        stopping.abort();
        await listener.close(graceMs);
        logger.info("server closed");
      })();
      return closing;
    },
  };
}
