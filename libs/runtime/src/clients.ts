import type { DescService } from "@bufbuild/protobuf";
import { createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { serviceKeyInterceptor } from "./auth/service-key.js";
import { tracingClientInterceptor } from "./tracing/rpc-spans.js";

/**
 * A typed gRPC client (HTTP/2, one reused session) for another platform service at `baseUrl`.
 * Calls time out after `timeoutMs` unless the call says otherwise. With `apiKey` set (SERVICE_API_KEY),
 * every call carries it; the peer refusing it becomes UNAVAILABLE naming SERVICE_API_KEY. With tracing
 * on, every call is a CLIENT span of the calling service (`from`) carrying its W3C `traceparent`.
 */
export function createServiceClient<T extends DescService>(
  service: T,
  baseUrl: string,
  options: {
    timeoutMs?: number;
    interceptors?: Interceptor[];
    apiKey?: string | undefined;
    /** The calling service, whose tracer records the client spans (default `client`). */
    from?: string;
  } = {},
): Client<T> {
  const peer = `${service.typeName} at ${baseUrl}`;
  const transport = createGrpcTransport({
    baseUrl,
    defaultTimeoutMs: options.timeoutMs ?? 10_000,
    interceptors: [
      tracingClientInterceptor(options.from ?? "client"),
      ...(options.interceptors ?? []),
      serviceKeyInterceptor(peer, options.apiKey),
    ],
    pingIntervalMs: 30_000,
    idleConnectionTimeoutMs: 60_000,
  });
  return createClient(service, transport);
}
