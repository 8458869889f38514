import { type Cache } from "./cache.js";

/** A cache that stores nothing: every get is a miss. For benchmarks and for turning caching off. */
export class NoopCache implements Cache {
  async get<T>(_key: string): Promise<T | undefined> {
    return undefined;
  }

  async set<T>(_key: string, _value: T, _ttlSeconds: number): Promise<void> {}

  async delete(..._keys: string[]): Promise<void> {}
}
