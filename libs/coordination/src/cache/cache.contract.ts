// Behaviour every Cache must show; run by the spec of each implementation.
import { randomUUID } from "node:crypto";
import { waitFor } from "../testing.js";
import { type Cache, cached } from "./cache.js";

const newKey = (): string => `key-${randomUUID()}`;

/** Defines the shared cache tests; `cache()` returns the instance under test (ready by then). */
export function cacheContract(cache: () => Cache): void {
  it("returns what was set, as a JSON copy", async () => {
    const key = newKey();
    const value = { name: "summarize", versions: [1, 2], at: new Date(0) };
    await cache().set(key, value, 60);
    const hit = await cache().get<typeof value>(key);
    expect(hit).toEqual({ name: "summarize", versions: [1, 2], at: "1970-01-01T00:00:00.000Z" });
    expect(hit).not.toBe(value);
  });

  it("misses on a key that was never set", async () => {
    expect(await cache().get(newKey())).toBeUndefined();
  });

  it("deletes every key it is given and leaves the others", async () => {
    const [a, b, kept] = [newKey(), newKey(), newKey()];
    await Promise.all([cache().set(a, 1, 60), cache().set(b, 2, 60), cache().set(kept, 3, 60)]);
    await cache().delete(a, b);
    expect(await cache().get(a)).toBeUndefined();
    expect(await cache().get(b)).toBeUndefined();
    expect(await cache().get(kept)).toBe(3);
  });

  it("forgets an entry once its TTL has passed", async () => {
    const key = newKey();
    await cache().set(key, "short-lived", 0.1);
    expect(await cache().get(key)).toBe("short-lived");
    await waitFor(async () => (await cache().get(key)) === undefined, { what: "the entry to expire" });
  });

  it("stores nothing for an undefined value or a TTL that is not positive", async () => {
    const [a, b] = [newKey(), newKey()];
    await cache().set(a, undefined, 60);
    await cache().set(b, "x", 0);
    expect(await cache().get(a)).toBeUndefined();
    expect(await cache().get(b)).toBeUndefined();
  });

  it("cached() loads a value once and serves later calls from the cache", async () => {
    const key = newKey();
    const load = jest.fn(async () => ({ version: 7 }));
    expect(await cached(cache(), key, 60, load)).toEqual({ version: 7 });
    expect(await cached(cache(), key, 60, load)).toEqual({ version: 7 });
    expect(load).toHaveBeenCalledTimes(1);
  });
}
