export { startTracing, tracingRequested, type Tracing } from "./sdk.js";
export { tracingOn } from "./state.js";
export { tracingServerInterceptor, tracingClientInterceptor, tracerOf } from "./rpc-spans.js";
export {
  formatTraceparent,
  parseTraceparent,
  traceIdOf,
  currentOrNewTraceparent,
  contextOfTraceparent,
} from "./traceparent.js";
export { activeTraceId, inSpan, type SpanSpec } from "./spans.js";
export { SpanKind, type Span } from "@opentelemetry/api";
