/**
 * MCP concurrency limits in the engine (ADR 018). A step of an MCP version that declares
 * `max_concurrency` takes one of the MCP's cluster-wide permits (through the {@link PermitPort})
 * before each attempt and gives it back as soon as the attempt's runner is done, before its result is
 * recorded; a retry's backoff holds none. A step that finds no free permit is queued first come first
 * served, recorded WAITING, and its task ends `parked`: once nothing else in the run can progress the
 * run is parked (no executor), until a released permit wakes it (or `recheckAt`, a safety net for a
 * permit that came back with a dead executor's run). Resumed, the step asks again, keeping its place.
 * Steps of MCPs without a limit never call the port.
 *
 * A `for_each` item takes a permit per attempt the same way (item-permit.ts): an item finding none is
 * queued and recorded WAITING; it waits in process only while another item of its step holds a permit
 * (the run holds its executor for that item anyway); once no item of the step runs, the step is
 * recorded WAITING and parks the run like a whole step, each waiting item keeping its place.
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
  /** Takes `keys` (items that will not run: their step stopped) out of `mcp`'s queue. */
  withdraw(keys: readonly string[], mcp: PinnedMcp): Promise<void>;
  /** The `for_each` step `stepId` (attempt `attempt`) parks while its items wait: recorded WAITING. */
  awaitItems(stepId: string, attempt: number): Promise<void>;
}

/** Whether steps of this MCP version take permits. */
export function isLimited(mcp: PinnedMcp): boolean {
  return mcp.config.maxConcurrency !== undefined;
}
