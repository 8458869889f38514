import { createContextKey } from "@connectrpc/connect";
import type { AuditRecord } from "./interceptor.js";

/**
 * The audit record of a call in progress, for a handler whose own write can carry it (docs/adr/035):
 * a call that creates a run commits the record in the run's creation statement, so the run and the
 * record of who started it commit together, and the call waits for one commit fewer.
 */
export interface CallAudit {
  /** This call's record with the outcome `OK`, as of now. */
  record(): AuditRecord;
  /**
   * The record from {@link record} was committed with the handler's write: if the call then succeeds
   * the audit interceptor writes no row of its own (if it fails, it writes the failure's row too).
   */
  written(): void;
}

/** Where the audit interceptor offers a call's {@link CallAudit}; undefined for calls it does not record. */
export const callAuditKey = createContextKey<CallAudit | undefined>(undefined, { description: "call audit" });
