import { randomUUID } from "node:crypto";
import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import type { Logger } from "pino";
import { DEFAULT_WORKSPACE } from "../auth/identity.js";
import { callInfoKey } from "../context.js";
import { activeTraceId } from "../tracing/spans.js";
import { traceIdOf } from "../tracing/traceparent.js";

const QUIET = new Set([
  "grpc.health.v1.Health",
  "grpc.reflection.v1.ServerReflection",
  "grpc.reflection.v1alpha.ServerReflection",
]);

/**
 * Logs one line per call: method, status code, duration and request id. Calls that change nothing
 * and succeed (health, reflection, and every read: `idempotency_level = NO_SIDE_EFFECTS`, such as a
 * console refreshing its lists) log at debug; writes, and reads that fail, at info (warn for
 * INTERNAL, UNKNOWN, UNAVAILABLE). Stores the call's {@link CallInfo} in the context. Its lines carry
 * `trace_id`: the call's span's (tracing on), else the caller's `traceparent` header's, when sent.
 */
export function loggingInterceptor(logger: Logger): Interceptor {
  return (next) => async (req) => {
    const started = process.hrtime.bigint();
    const requestId = req.header.get("x-request-id") || randomUUID();
    const method = `${req.service.typeName}/${req.method.name}`;
    const traceId = activeTraceId() ?? traceIdOf(req.header.get("traceparent"));
    const callLogger = logger.child(
      traceId ? { method, requestId, trace_id: traceId } : { method, requestId },
    );
    req.contextValues.set(callInfoKey, {
      requestId,
      logger: callLogger,
      principal: undefined,
      workspace: DEFAULT_WORKSPACE,
      caller: undefined,
      role: undefined,
    });
    const read =
      QUIET.has(req.service.typeName) ||
      req.method.idempotency === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS;
    const done = (code: Code | 0, error?: ConnectError) => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const line = { code: code === 0 ? "ok" : Code[code], durationMs: Math.round(durationMs * 100) / 100 };
      if (error && (code === Code.Internal || code === Code.Unknown || code === Code.Unavailable)) {
        callLogger.warn({ ...line, error: error.rawMessage }, "call failed");
      } else {
        const level = read && !error ? "debug" : "info";
        callLogger[level]({ ...line, ...(error ? { error: error.rawMessage } : {}) }, "call");
      }
    };
    try {
      const res = await next(req);
      res.header.set("x-request-id", requestId);
      if (!res.stream) {
        done(0);
        return res;
      }
      return { ...res, message: logStreamEnd(res.message, done) };
    } catch (err) {
      const ce = ConnectError.from(err);
      done(ce.code, ce);
      throw err;
    }
  };
}

/** Passes a server stream through, logging its end (ok or the error it ended with). */
async function* logStreamEnd<T>(
  messages: AsyncIterable<T>,
  done: (code: Code | 0, error?: ConnectError) => void,
): AsyncIterable<T> {
  try {
    yield* messages;
    done(0);
  } catch (err) {
    const ce = ConnectError.from(err);
    done(ce.code, ce);
    throw err;
  }
}
