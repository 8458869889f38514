import { randomBytes } from "node:crypto";
import { ROOT_CONTEXT, context, trace, TraceFlags, type Context, type SpanContext } from "@opentelemetry/api";

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const INVALID_TRACE = "0".repeat(32);
const INVALID_SPAN = "0".repeat(16);

/** A W3C `traceparent` value (version 00) for a span context. */
export function formatTraceparent(span: Pick<SpanContext, "traceId" | "spanId" | "traceFlags">): string {
  return `00-${span.traceId}-${span.spanId}-${(span.traceFlags & 0xff).toString(16).padStart(2, "0")}`;
}

/** The span context a W3C `traceparent` names (remote), or undefined when it is not a valid one. */
export function parseTraceparent(value: string | null | undefined): SpanContext | undefined {
  const match = TRACEPARENT.exec((value ?? "").trim().toLowerCase());
  if (!match) return undefined;
  const [, traceId = "", spanId = "", flags = "00"] = match;
  if (traceId === INVALID_TRACE || spanId === INVALID_SPAN) return undefined;
  return { traceId, spanId, traceFlags: parseInt(flags, 16), isRemote: true };
}

/** The trace id a W3C `traceparent` names, or undefined. */
export function traceIdOf(traceparent: string | null | undefined): string | undefined {
  return parseTraceparent(traceparent)?.traceId;
}

/**
 * The `traceparent` of the active span (an RPC's server span, a step's span) when there is a valid
 * one; otherwise a fresh one with new random ids, sampled, so that whatever is recorded under it (a
 * run created by a schedule, or while tracing was off) still has a trace id of its own.
 */
export function currentOrNewTraceparent(): string {
  const active = trace.getSpanContext(context.active());
  if (active && trace.isSpanContextValid(active)) return formatTraceparent(active);
  return formatTraceparent({
    traceId: randomBytes(16).toString("hex"),
    spanId: randomBytes(8).toString("hex"),
    traceFlags: TraceFlags.SAMPLED,
  });
}

/** A context whose parent is the (remote) span a stored `traceparent` names; the root context when none. */
export function contextOfTraceparent(traceparent: string | null | undefined): Context {
  const parent = parseTraceparent(traceparent);
  return parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
}
