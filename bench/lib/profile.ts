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
