import type { PinnedMcp } from "../step/index.js";
import type { PermitPort } from "./permits.js";
import { abortableSleep } from "./retry.js";

/** How often an item waiting for a permit asks again (its place in the queue is kept meanwhile). */
export const ITEM_PERMIT_POLL_MS = 200;

/**
 * Waits until the `for_each` item `key` holds a permit of `mcp`: queued first come first served with
 * every other step of the MCP, asking again every {@link ITEM_PERMIT_POLL_MS}. Unlike a whole step,
 * an item waits in process — the item engine runs its items inside one step task, so the run keeps
 * its executor while its items wait (ADR 018). Resolves false when `signal` aborts first.
 */
export async function holdItemPermit(
  permits: PermitPort,
  key: string,
  mcp: PinnedMcp,
  signal: AbortSignal,
): Promise<boolean> {
  for (;;) {
    if (signal.aborted) return false;
    const grant = await permits.acquire(key, mcp);
    if (grant.held) return true;
    try {
      await abortableSleep(ITEM_PERMIT_POLL_MS, signal);
    } catch {
      return false;
    }
  }
}
