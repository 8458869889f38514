import {
  context,
  INVALID_SPAN_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from "@opentelemetry/api";
import { tracerOf } from "./rpc-spans.js";
import { tracingOn } from "./state.js";

const NO_SPAN: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** The trace id of the active span, when there is a valid one (tracing on, inside a span). */
export function activeTraceId(): string | undefined {
  const active = trace.getSpanContext(context.active());
  return active && trace.isSpanContextValid(active) ? active.traceId : undefined;
}

/** What {@link inSpan} starts. */
export interface SpanSpec {
  /** The platform service whose tracer records it (`executor`). */
  readonly service: string;
  readonly name: string;
  readonly kind?: SpanKind;
  readonly attributes?: Attributes;
  /** The parent; the active context when omitted. */
  readonly parent?: Context;
}

/**
 * Runs `fn` inside a new span, active for everything `fn` awaits, and ends it when `fn` settles: a
 * rejection marks it ERROR with its message (`fn` may set a better status first). While tracing is
 * off, `fn` runs at once with a non-recording span and nothing else happens.
 */
export async function inSpan<T>(spec: SpanSpec, fn: (span: Span) => Promise<T>): Promise<T> {
  if (!tracingOn()) return fn(NO_SPAN);
  const parent = spec.parent ?? context.active();
  const span = tracerOf(spec.service).startSpan(
    spec.name,
    { kind: spec.kind ?? SpanKind.INTERNAL, ...(spec.attributes ? { attributes: spec.attributes } : {}) },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: statusMessageOf(err) });
    throw err;
  } finally {
    span.end();
  }
}

/** An error as a span status message: `<code>: <message>` when it has a string code (a StepFailure). */
function statusMessageOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" ? `${code}: ${err.message}` : err.message;
}
