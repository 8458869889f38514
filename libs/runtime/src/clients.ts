import type { DescService } from "@bufbuild/protobuf";
import { createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";

/**
 * A typed gRPC client (HTTP/2, one reused session) for another platform service at `baseUrl`.
 * Calls time out after `timeoutMs` unless the call says otherwise.
 */
export function createServiceClient<T extends DescService>(
  service: T,
  baseUrl: string,
  options: { timeoutMs?: number; interceptors?: Interceptor[] } = {},
): Client<T> {
  const transport = createGrpcTransport({
    baseUrl,
    defaultTimeoutMs: options.timeoutMs ?? 10_000,
    interceptors: options.interceptors ?? [],
    pingIntervalMs: 30_000,
    idleConnectionTimeoutMs: 60_000,
  });
  return createClient(service, transport);
}
