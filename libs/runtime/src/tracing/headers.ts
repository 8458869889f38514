import type { TextMapGetter, TextMapSetter } from "@opentelemetry/api";

/** Reads propagation fields (`traceparent`, `tracestate`, `baggage`) from a call's Fetch API headers. */
export const headerGetter: TextMapGetter<Headers> = {
  keys: (headers) => [...headers.keys()],
  get: (headers, key) => headers.get(key) ?? undefined,
};

/** Writes propagation fields into a call's Fetch API headers. */
export const headerSetter: TextMapSetter<Headers> = {
  set: (headers, key, value) => headers.set(key, value),
};

/** The RPC protocol a request's content type names: `grpc`, `grpc_web` or `connect_rpc`. */
export function rpcSystemOf(headers: Headers): string {
  const type = headers.get("content-type") ?? "";
  if (type.startsWith("application/grpc-web")) return "grpc_web";
  if (type.startsWith("application/grpc")) return "grpc";
  return "connect_rpc";
}
