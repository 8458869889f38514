import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

/** Runs `fn` between `begin` and `end` on an inspector session of this process; writes what `end` gives to `file`. */
async function inspected<T>(
  file: string,
  begin: (session: Session) => Promise<unknown>,
  end: (session: Session) => Promise<object>,
  fn: () => Promise<T>,
): Promise<T> {
  const session = new Session();
  session.connect();
  await begin(session);
  try {
    return await fn();
  } finally {
    writeFileSync(file, JSON.stringify(await end(session)));
    session.disconnect();
  }
}

/** Runs `fn` under the V8 CPU profiler and writes the profile to `file` (a `.cpuprofile`, for Chrome DevTools). */
export function profiled<T>(file: string, fn: () => Promise<T>): Promise<T> {
  return inspected(
    file,
    async (session) => {
      await session.post("Profiler.enable");
      await session.post("Profiler.start");
    },
    async (session) => (await session.post("Profiler.stop")).profile,
    fn,
  );
}

/**
 * Runs `fn` under V8's sampling heap profiler, counting every sampled allocation (those the garbage
 * collector has already freed too, so the profile shows where the allocation rate comes from, not
 * what is retained), and writes it to `file` (a `.heapprofile`, for Chrome DevTools). With
 * `survivors`, allocations freed by a young-generation collection are left out: the profile then
 * shows what lives long enough to be copied or promoted, which is what makes scavenges and
 * old-generation collections costly.
 */
export function allocationSampled<T>(
  file: string,
  fn: () => Promise<T>,
  options: { survivors?: boolean } = {},
): Promise<T> {
  return inspected(
    file,
    async (session) => {
      await session.post("HeapProfiler.enable");
      await session.post("HeapProfiler.startSampling", {
        samplingInterval: 4096,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: !options.survivors,
      });
    },
    async (session) => (await session.post("HeapProfiler.stopSampling")).profile,
    fn,
  );
}
