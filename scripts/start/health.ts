import { setTimeout as sleep } from "node:timers/promises";
import { health } from "@mcp/proto/grpc";
import { createServiceClient } from "@mcp/runtime";

/**
 * Polls `grpc.health.v1.Health/Check` (the server as a whole) until it answers SERVING. Resolves
 * true when it does, false when `timeoutMs` passes or `signal` aborts first.
 */
export async function waitUntilServing(
  url: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<boolean> {
  const client = createServiceClient(health.Health, url, { timeoutMs: 1_000 });
  const deadline = Date.now() + timeoutMs;
  while (!signal.aborted && Date.now() < deadline) {
    try {
      const res = await client.check({ service: "" }, { signal });
      if (res.status === health.HealthCheckResponse_ServingStatus.SERVING) return true;
    } catch {
      // Not listening yet (or still migrating): try again.
    }
    await sleep(200, undefined, { signal }).catch(() => undefined);
  }
  return false;
}
