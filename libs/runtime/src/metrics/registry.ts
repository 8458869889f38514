import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { collectProcessMetrics } from "./process-metrics.js";

/** A service's metrics registry, and how to stop what its default metrics keep running. */
export interface ServiceMetrics {
  readonly registry: Registry;
  /** At the service's stop: the GC observer and event-loop monitor of its default metrics end. */
  readonly stop: () => void;
}

/**
 * A fresh metrics registry with the default Node.js metrics (CPU, memory, event loop, GC) collected
 * into it. Create ONE in a service's composition root and pass it down, and stop it with the service;
 * the global prom-client registry is never used, so several services can share a process (tests).
 */
export function createMetricsRegistry(): ServiceMetrics {
  const registry = new Registry();
  return { registry, stop: collectProcessMetrics(registry) };
}

/** Seconds buckets for RPCs and steps: 5 ms … 60 s. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

type Config<L extends string> = { name: string; help: string; labelNames: readonly L[] };

/** The counter named `config.name` in `registry`, registering it on first use (idempotent per registry). */
export function counter<L extends string>(registry: Registry, config: Config<L>): Counter<L> {
  const found = registry.getSingleMetric(config.name);
  return (found as Counter<L> | undefined) ?? new Counter({ ...config, registers: [registry] });
}

/** The gauge named `config.name` in `registry`, registering it on first use. */
export function gauge<L extends string>(registry: Registry, config: Config<L>): Gauge<L> {
  const found = registry.getSingleMetric(config.name);
  return (found as Gauge<L> | undefined) ?? new Gauge({ ...config, registers: [registry] });
}

/** The histogram named `config.name` in `registry`, registering it on first use. */
export function histogram<L extends string>(
  registry: Registry,
  config: Config<L> & { buckets?: number[] },
): Histogram<L> {
  const found = registry.getSingleMetric(config.name);
  return (
    (found as Histogram<L> | undefined) ??
    new Histogram({ buckets: DURATION_BUCKETS, ...config, registers: [registry] })
  );
}
