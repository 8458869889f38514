import { context, propagation, trace } from "@opentelemetry/api";
import { markTracingStarted, markTracingStopped } from "./state.js";

/** The tracing SDK of this process, when it runs. */
export interface Tracing {
  /** False when no OTLP endpoint is configured: no SDK was loaded and spans cost nothing. */
  readonly enabled: boolean;
  /** Exports the spans ended so far (tests, and before a process exits). */
  flush(): Promise<void>;
  /** Exports what is left and stops the SDK. */
  shutdown(): Promise<void>;
}

const OFF: Tracing = { enabled: false, flush: () => Promise.resolve(), shutdown: () => Promise.resolve() };

/**
 * Whether the standard OpenTelemetry variables ask for traces: an OTLP endpoint
 * (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`), and neither
 * `OTEL_SDK_DISABLED=true` nor `OTEL_TRACES_EXPORTER=none`.
 */
export function tracingRequested(env: NodeJS.ProcessEnv): boolean {
  const endpoint = env["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] || env["OTEL_EXPORTER_OTLP_ENDPOINT"];
  if (!endpoint) return false;
  if ((env["OTEL_SDK_DISABLED"] ?? "").trim().toLowerCase() === "true") return false;
  return (env["OTEL_TRACES_EXPORTER"] ?? "otlp").trim().toLowerCase() !== "none";
}

/**
 * Starts the OpenTelemetry trace SDK for this process (`NodeTracerProvider`, a batch span processor
 * and the OTLP/HTTP protobuf exporter) when {@link tracingRequested}; otherwise loads nothing and
 * returns a disabled handle. Everything else comes from the standard `OTEL_*` variables the SDK reads
 * itself: endpoint and headers, `OTEL_SERVICE_NAME` / `OTEL_RESOURCE_ATTRIBUTES` (over `service`),
 * `OTEL_TRACES_SAMPLER`, `OTEL_BSP_*`. Registers the W3C trace-context propagator and an
 * AsyncLocalStorage context manager, so spans nest across awaits. One per process (the OTel API's
 * provider is process-global).
 */
export async function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): Promise<Tracing> {
  if (!tracingRequested(env)) return OFF;
  const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, resources] = await Promise.all([
    import("@opentelemetry/sdk-trace-node"),
    import("@opentelemetry/exporter-trace-otlp-proto"),
    import("@opentelemetry/resources"),
  ]);
  const resource = resources
    .resourceFromAttributes({ "service.name": service })
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesEndpoint(env) }))],
  });
  provider.register();
  markTracingStarted();
  return {
    enabled: true,
    flush: () => provider.forceFlush(),
    async shutdown() {
      markTracingStopped();
      await provider.shutdown();
      // a later start in the same process (tests) registers afresh
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/**
 * Where spans go, as the OTLP exporter specification derives it: the traces endpoint as given, or the
 * base endpoint with `/v1/traces` appended (read from `env`, so a caller's own environment counts).
 */
function tracesEndpoint(env: NodeJS.ProcessEnv): string {
  const traces = env["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]?.trim();
  if (traces) return traces;
  const base = (env["OTEL_EXPORTER_OTLP_ENDPOINT"] ?? "").trim();
  return `${base.replace(/\/+$/, "")}/v1/traces`;
}
