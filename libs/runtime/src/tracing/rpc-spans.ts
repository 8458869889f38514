import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
} from "@opentelemetry/api";
import {
  Code,
  ConnectError,
  type Interceptor,
  type StreamResponse,
  type UnaryResponse,
} from "@connectrpc/connect";
import { headerGetter, headerSetter, rpcSystemOf } from "./headers.js";
import { tracingOn } from "./state.js";

/** The tracer of one platform service (`mcp.registry`, `mcp.workflows`, `mcp.executor`, ...). */
export const tracerOf = (service: string) => trace.getTracer(`mcp.${service}`);

/**
 * A SERVER span per call, child of the caller's W3C `traceparent` (sent as a header by gRPC, gRPC-Web
 * and Connect alike), active while the handler runs, ended when the response (or its stream) ends,
 * with the RPC's status code. Does nothing while tracing is off.
 */
export function tracingServerInterceptor(service: string): Interceptor {
  const tracer = tracerOf(service);
  return (next) => async (req) => {
    if (!tracingOn()) return next(req);
    const parent = propagation.extract(context.active(), req.header, headerGetter);
    const span = tracer.startSpan(
      `${req.service.typeName}/${req.method.name}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          "rpc.system": rpcSystemOf(req.header),
          "rpc.service": req.service.typeName,
          "rpc.method": req.method.name,
          "mcp.service": service,
        },
      },
      parent,
    );
    return traced(span, trace.setSpan(parent, span), () => next(req));
  };
}

/**
 * A CLIENT span per call to another service, its context injected as `traceparent` so the server's
 * span is its child. Does nothing while tracing is off.
 */
export function tracingClientInterceptor(service: string): Interceptor {
  const tracer = tracerOf(service);
  return (next) => async (req) => {
    if (!tracingOn()) return next(req);
    const span = tracer.startSpan(`${req.service.typeName}/${req.method.name}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        "rpc.system": rpcSystemOf(req.header),
        "rpc.service": req.service.typeName,
        "rpc.method": req.method.name,
        "mcp.service": service,
      },
    });
    const ctx = trace.setSpan(context.active(), span);
    propagation.inject(ctx, req.header, headerSetter);
    return traced(span, ctx, () => next(req));
  };
}

/** Runs `call` with `ctx` active and ends `span` when its response (or response stream) ends. */
async function traced<R extends UnaryResponse | StreamResponse>(
  span: Span,
  ctx: Context,
  call: () => Promise<R>,
): Promise<R> {
  try {
    const res = await context.with(ctx, call);
    if (!res.stream) {
      end(span, undefined);
      return res;
    }
    return { ...res, message: endWithStream(span, res.message) };
  } catch (err) {
    end(span, err);
    throw err;
  }
}

async function* endWithStream<T>(span: Span, messages: AsyncIterable<T>): AsyncIterable<T> {
  try {
    yield* messages;
    end(span, undefined);
  } catch (err) {
    end(span, err);
    throw err;
  }
}

/** Ends an RPC span with its gRPC status code (`rpc.grpc.status_code`); errors mark it failed. */
function end(span: Span, err: unknown): void {
  if (err === undefined) {
    span.setAttribute("rpc.grpc.status_code", 0);
  } else {
    const ce = ConnectError.from(err);
    span.setAttribute("rpc.grpc.status_code", ce.code);
    span.setStatus({ code: SpanStatusCode.ERROR, message: `${Code[ce.code]}: ${ce.rawMessage}` });
  }
  span.end();
}
