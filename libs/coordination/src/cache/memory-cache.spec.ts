import { MemoryCache } from "./memory-cache.js";
import { cacheContract } from "./cache.contract.js";
import { NoopCache } from "./noop-cache.js";

describe("MemoryCache", () => {
  const cache = new MemoryCache({ maxEntries: 1_000 });

  cacheContract(() => cache);

  it("evicts the least recently used entry beyond maxEntries", async () => {
    const small = new MemoryCache({ maxEntries: 2 });
    await small.set("a", 1, 60);
    await small.set("b", 2, 60);
    await small.get("a"); // "b" is now the least recently used
    await small.set("c", 3, 60);
    expect(await small.get("b")).toBeUndefined();
    expect(await small.get("a")).toBe(1);
    expect(await small.get("c")).toBe(3);
    expect(small.size).toBe(2);
  });

  it("expires entries by its injected clock", async () => {
    let now = 1_000;
    const clocked = new MemoryCache({ maxEntries: 10, now: () => now });
    await clocked.set("k", "v", 5);
    now += 4_999;
    expect(await clocked.get("k")).toBe("v");
    now += 1;
    expect(await clocked.get("k")).toBeUndefined();
  });
});

describe("NoopCache", () => {
  it("misses on every get, even right after a set", async () => {
    const cache = new NoopCache();
    await cache.set("k", "v", 60);
    expect(await cache.get("k")).toBeUndefined();
  });
});
