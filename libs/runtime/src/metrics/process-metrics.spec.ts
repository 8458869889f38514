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

/** Whether `condition` holds within `turns` turns of the event loop (GC entries arrive on a later turn). */
async function within(turns: number, condition: () => Promise<boolean>): Promise<boolean> {
  for (let turn = 0; turn < turns; turn++) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return condition();
}

describe("collectProcessMetrics", () => {
  it("collects the default metrics, and its stop ends the GC observer: later GCs are not counted", async () => {
    const registry = new Registry();
    const stop = collectProcessMetrics(registry);
    expect((await registry.metrics()).includes("process_cpu_user_seconds_total")).toBe(true);

    const before = await gcCount(registry);
    collectGarbage();
    expect(await within(200, async () => (await gcCount(registry)) > before)).toBe(true);

    stop();
    // entries of a GC before the stop may still be on their way: let them land first
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopped = await gcCount(registry);
    collectGarbage();
    collectGarbage();
    expect(await within(20, async () => (await gcCount(registry)) > stopped)).toBe(false);
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
