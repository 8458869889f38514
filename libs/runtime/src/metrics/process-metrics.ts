import perfHooks, { PerformanceObserver, type IntervalHistogram } from "node:perf_hooks";
import { collectDefaultMetrics, type Registry } from "prom-client";

/**
 * prom-client's default process metrics (CPU, memory, handles, event loop lag, GC durations) collected
 * into `registry`; returns what stops the two of them that keep running between scrapes: the GC
 * histogram's PerformanceObserver and the event-loop delay monitor. prom-client hands out neither, and
 * both live until stopped: a process that starts and stops services (tests, benchmarks) would keep one
 * of each per service it ever started, every GC calling them all, each holding its service's registry.
 * So they are noted as `collectDefaultMetrics` makes them (synchronously, inside this call).
 */
export function collectProcessMetrics(registry: Registry): () => void {
  const observers: PerformanceObserver[] = [];
  const monitors: IntervalHistogram[] = [];
  const prototype = PerformanceObserver.prototype as unknown as {
    observe: (this: PerformanceObserver, ...args: unknown[]) => void;
  };
  const observe = prototype.observe;
  const monitorEventLoopDelay = perfHooks.monitorEventLoopDelay;
  prototype.observe = function (this: PerformanceObserver, ...args: unknown[]) {
    observers.push(this);
    observe.apply(this, args);
  };
  perfHooks.monitorEventLoopDelay = (options) => {
    const monitor = monitorEventLoopDelay(options);
    monitors.push(monitor);
    return monitor;
  };
  try {
    collectDefaultMetrics({ register: registry });
  } finally {
    prototype.observe = observe;
    perfHooks.monitorEventLoopDelay = monitorEventLoopDelay;
  }
  return () => {
    for (const observer of observers.splice(0)) observer.disconnect();
    for (const monitor of monitors.splice(0)) monitor.disable();
  };
}
