import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import type { Registry } from "prom-client";
import { counter, histogram } from "./registry.js";

/**
 * Labels of both RPC metrics: `service` (the proto service, e.g. `mcp.registry.v1.RegistryService`),
 * `method` (e.g. `GetMcp`) and `code` (`ok` or the gRPC code in snake case, e.g. `not_found`).
 */
type RpcLabel = "service" | "method" | "code";

/** `Code.NotFound` → `not_found`; 0 → `ok`. */
export function codeLabel(code: Code | 0): string {
  if (code === 0) return "ok";
  return (Code[code] ?? "unknown").replace(/[A-Z]/g, (c, i: number) => (i > 0 ? "_" : "") + c.toLowerCase());
}

/**
 * Counts every call (`mcp_rpc_requests_total`) and times it (`mcp_rpc_duration_seconds`) by
 * service, method and final code. A server stream is counted when it ends — with the code it
 * ended with, or `canceled` when the client went away first.
 */
export function metricsInterceptor(registry: Registry): Interceptor {
  const requests = counter<RpcLabel>(registry, {
    name: "mcp_rpc_requests_total",
    help: "RPCs handled, by service, method and final status code.",
    labelNames: ["service", "method", "code"],
  });
  const duration = histogram<RpcLabel>(registry, {
    name: "mcp_rpc_duration_seconds",
    help: "RPC duration in seconds (streams: until they end), by service, method and status code.",
    labelNames: ["service", "method", "code"],
  });
  return (next) => async (req) => {
    const started = process.hrtime.bigint();
    const record = (code: Code | 0) => {
      const labels = { service: req.service.typeName, method: req.method.name, code: codeLabel(code) };
      requests.inc(labels);
      duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    };
    try {
      const res = await next(req);
      if (!res.stream) {
        record(0);
        return res;
      }
      return { ...res, message: countStreamEnd(res.message, record) };
    } catch (err) {
      record(ConnectError.from(err).code);
      throw err;
    }
  };
}

/** Passes a server stream through, recording its end exactly once. */
async function* countStreamEnd<T>(
  messages: AsyncIterable<T>,
  record: (code: Code | 0) => void,
): AsyncIterable<T> {
  let code: Code | 0 = Code.Canceled;
  try {
    yield* messages;
    code = 0;
  } catch (err) {
    code = ConnectError.from(err).code;
    throw err;
  } finally {
    record(code);
  }
}
