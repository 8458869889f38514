import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

/** Runs `fn` under the V8 CPU profiler and writes the profile to `file` (a `.cpuprofile`, for Chrome DevTools). */
export async function profiled<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  try {
    return await fn();
  } finally {
    const { profile } = await session.post("Profiler.stop");
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}

/**
 * Runs `fn` under V8's sampling heap profiler, counting every sampled allocation (those the garbage
 * collector has already freed too, so the profile shows where the allocation rate comes from, not
 * what is retained), and writes it to `file` (a `.heapprofile`, for Chrome DevTools).
 */
export async function allocationSampled<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const session = new Session();
  session.connect();
  await session.post("HeapProfiler.enable");
  await session.post("HeapProfiler.startSampling", {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  try {
    return await fn();
  } finally {
    const { profile } = await session.post("HeapProfiler.stopSampling");
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}
