import perfHooks, { PerformanceObserver } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Registry } from "prom-client";
import { collectProcessMetrics } from "./process-metrics.js";

setFlagsFromString("--expose-gc");
/** A full garbage collection, now. */
const collectGarbage = runInNewContext("gc") as () => void;

/** The number of GCs the registry's `nodejs_gc_duration_seconds` histogram has counted. */
async function gcCount(registry: Registry): Promise<number> {
  const metric = await registry.getSingleMetric("nodejs_gc_duration_seconds")?.get();
  // a histogram's values are its buckets, sums and counts, each named
  const values = (metric?.values ?? []) as Array<{ metricName?: string; value: number }>;
  return values
    .filter((v) => v.metricName === "nodejs_gc_duration_seconds_count")
    .reduce((sum, v) => sum + v.value, 0);
}

/** Resolves once `condition` holds, checking after each turn of the event loop (GC entries arrive later). */
async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setImmediate(resolve));
}

describe("collectProcessMetrics", () => {
  it("collects the default metrics, and its stop ends the GC observer: later GCs are not counted", async () => {
    const registry = new Registry();
    const stop = collectProcessMetrics(registry);
    expect((await registry.metrics()).includes("process_cpu_user_seconds_total")).toBe(true);
    // a second collector left running: it shows when a GC's entry has been delivered
    const witness = new Registry();
    const stopWitness = collectProcessMetrics(witness);
    try {
      const before = await gcCount(registry);
      collectGarbage();
      await until(async () => (await gcCount(registry)) > before);

      stop();
      const stopped = await gcCount(registry);
      const seen = await gcCount(witness);
      collectGarbage();
      await until(async () => (await gcCount(witness)) > seen);
      expect(await gcCount(registry)).toBe(stopped);
    } finally {
      stopWitness();
    }
  });

  it("leaves perf_hooks as it found them", () => {
    const observe = PerformanceObserver.prototype.observe;
    const monitor = perfHooks.monitorEventLoopDelay;
    const stop = collectProcessMetrics(new Registry());
    expect(PerformanceObserver.prototype.observe).toBe(observe);
    expect(perfHooks.monitorEventLoopDelay).toBe(monitor);
    stop();
    stop(); // a second stop does nothing
  });
});
