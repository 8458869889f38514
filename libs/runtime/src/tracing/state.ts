/**
 * Whether this process started the trace SDK. Like the OpenTelemetry API's own provider, this is
 * process-global: the interceptors and span helpers read it to do nothing at all when tracing is off.
 */
let started = false;

/** True once {@link startTracing} started the SDK (and until it is shut down). */
export function tracingOn(): boolean {
  return started;
}

export function markTracingStarted(): void {
  started = true;
}

export function markTracingStopped(): void {
  started = false;
}
