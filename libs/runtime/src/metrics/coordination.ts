import type { Registry } from "prom-client";
import { counter } from "./registry.js";

/**
 * Cache and lock counters, shaped as the `CoordinationMetrics` sink of @mcp/coordination:
 * - `mcp_cache_requests_total{cache, result}`: cache gets; `cache` names the cache (e.g. `registry`),
 *   `result` is `hit`, `miss` or `error` (Redis failed or was slow; served as a miss).
 * - `mcp_lock_acquire_total{result}`: lock acquisitions; `acquired`, `contended` (held by someone
 *   else) or `error` (lock service unavailable).
 */
export function coordinationMetrics(registry: Registry) {
  const cache = counter(registry, {
    name: "mcp_cache_requests_total",
    help: "Cache gets by cache and result (hit, miss, error).",
    labelNames: ["cache", "result"],
  });
  const locks = counter(registry, {
    name: "mcp_lock_acquire_total",
    help: "Lock acquisitions by result (acquired, contended, error).",
    labelNames: ["result"],
  });
  return {
    cacheRequest(name: string, result: "hit" | "miss" | "error"): void {
      cache.inc({ cache: name, result });
    },
    lockAcquire(result: "acquired" | "contended" | "error"): void {
      locks.inc({ result });
    },
  };
}
