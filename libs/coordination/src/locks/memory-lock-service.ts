import { randomUUID } from "node:crypto";
import { checkTtlMs, type Lock, type LockService } from "./lock-service.js";

/** Options of {@link MemoryLockService}. */
export interface MemoryLockServiceOptions {
  /** Clock in milliseconds; injectable for tests. */
  now?: () => number;
}

interface Held {
  token: string;
  expiresAt: number;
}

/** Expired entries are swept on acquire once the table grows past this size. */
const SWEEP_THRESHOLD = 1_000;

/** In-process locks with the same lease semantics as RedisLockService, for single-node mode. */
export class MemoryLockService implements LockService {
  private readonly held = new Map<string, Held>();
  private readonly now: () => number;

  constructor(options: MemoryLockServiceOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  async acquire(key: string, ttlMs: number): Promise<Lock | undefined> {
    const ttl = checkTtlMs(ttlMs);
    if (this.held.size > SWEEP_THRESHOLD) this.sweep();
    if (this.ownerOf(key) !== undefined) return undefined;
    return this.take(key, ttl);
  }

  async seize(key: string, ttlMs: number): Promise<Lock> {
    return this.take(key, checkTtlMs(ttlMs));
  }

  /** Makes a new token the holder of `key` for `ttl` ms. */
  private take(key: string, ttl: number): Lock {
    const token = randomUUID();
    this.held.set(key, { token, expiresAt: this.now() + ttl });
    return {
      key,
      token,
      extend: async (newTtlMs) => this.extend(key, token, checkTtlMs(newTtlMs)),
      release: async () => this.release(key, token),
    };
  }

  /** The live holder of `key`, if any. */
  private ownerOf(key: string): Held | undefined {
    const entry = this.held.get(key);
    if (entry === undefined || entry.expiresAt > this.now()) return entry;
    this.held.delete(key);
    return undefined;
  }

  private extend(key: string, token: string, ttl: number): boolean {
    const entry = this.ownerOf(key);
    if (entry?.token !== token) return false;
    entry.expiresAt = this.now() + ttl;
    return true;
  }

  private release(key: string, token: string): boolean {
    if (this.ownerOf(key)?.token !== token) return false;
    this.held.delete(key);
    return true;
  }

  private sweep(): void {
    for (const key of [...this.held.keys()]) this.ownerOf(key);
  }
}
