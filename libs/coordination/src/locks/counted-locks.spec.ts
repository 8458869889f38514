import type { CacheResult, CoordinationMetrics, LockResult } from "../metrics.js";
import { countedLocks } from "./counted-locks.js";
import type { LockService } from "./lock-service.js";
import { MemoryLockService } from "./memory-lock-service.js";

function recording(): CoordinationMetrics & { locks: LockResult[]; caches: [string, CacheResult][] } {
  const locks: LockResult[] = [];
  const caches: [string, CacheResult][] = [];
  return {
    locks,
    caches,
    lockAcquire: (r) => locks.push(r),
    cacheRequest: (c, r) => caches.push([c, r]),
  };
}

describe("countedLocks", () => {
  it("reports acquired, then contended while the lock is held", async () => {
    const metrics = recording();
    const locks = countedLocks(new MemoryLockService(), metrics);
    const lock = await locks.acquire("k", 10_000);
    expect(lock).toBeDefined();
    expect(await locks.acquire("k", 10_000)).toBeUndefined();
    expect(metrics.locks).toEqual(["acquired", "contended"]);
  });

  it("reports error and rethrows when the lock service fails", async () => {
    const metrics = recording();
    const failing: LockService = {
      acquire: () => Promise.reject(new Error("redis down")),
      seize: () => Promise.reject(new Error("redis down")),
    };
    await expect(countedLocks(failing, metrics).acquire("k", 1_000)).rejects.toThrow("redis down");
    expect(metrics.locks).toEqual(["error"]);
  });
});
