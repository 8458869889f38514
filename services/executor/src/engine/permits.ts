/**
 * MCP concurrency limits in the engine (ADR 018). A step of an MCP version that declares
 * `max_concurrency` takes one of the MCP's cluster-wide permits (through the {@link PermitPort})
 * before each attempt and gives it back as soon as the attempt's runner is done, before its result is
 * recorded; a retry's backoff holds none. A step that finds no free permit is queued first come first
 * served, recorded WAITING, and its task ends `parked`: once nothing else in the run can progress the
 * run is parked (no executor), until a released permit wakes it (or `recheckAt`, a safety net for a
 * permit that came back with a dead executor's lease). Resumed, the step asks again, keeping its place.
 * Steps of MCPs without a limit never call the port.
 */
import type { JsonObject, PinnedMcp } from "../step/index.js";

/** The step a queued permit request parks: recorded WAITING with the attempts made before `attempt`. */
export interface PermitWaiter {
  readonly stepId: string;
  readonly attempt: number;
  readonly inputs: JsonObject;
}

/** The permit answer: held, or queued (park the step until woken, or `recheckAt` at the latest). */
export type PermitGrant = { readonly held: true } | { readonly held: false; readonly recheckAt: Date };

/** Permits of limited MCPs, for one claimed run (fenced: rejects once another executor owns it). */
export interface PermitPort {
  /**
   * Takes a permit of `mcp` for `key` (a step id, or `<step>[<index>]` for a `for_each` item). When
   * none is free the request is queued and, with `waiter`, that step is recorded WAITING.
   */
  acquire(key: string, mcp: PinnedMcp, waiter?: PermitWaiter): Promise<PermitGrant>;
  /** Gives `key`'s permit back; the next queued steps' runs are woken. */
  release(key: string, mcp: PinnedMcp): Promise<void>;
}

/** Whether steps of this MCP version take permits. */
export function isLimited(mcp: PinnedMcp): boolean {
  return mcp.config.maxConcurrency !== undefined;
}
