import { createContextKey } from "@connectrpc/connect";
import type { Logger } from "pino";
import type { Caller, Role } from "./auth/identity.js";

/** Per-call values handlers may read from `HandlerContext.values`. */
export interface CallInfo {
  /** The caller's `x-request-id`, or a generated one. */
  readonly requestId: string;
  /** Logger bound to this call (method, request id). */
  readonly logger: Logger;
  /** Who is calling, when authenticated (the API key's name, the user's email): recorded in rows. */
  readonly principal: string | undefined;
  /** The workspace the call acts in (`DEFAULT_WORKSPACE` unless the call names another). */
  readonly workspace: string;
  /** The authenticated caller; undefined when nobody authenticated (auth off, or an open method called without credentials). */
  readonly caller: Caller | undefined;
  /** The caller's role in `workspace`; undefined when auth is off (every call allowed). */
  readonly role: Role | undefined;
}

/** Context key under which the logging interceptor stores the {@link CallInfo}. */
export const callInfoKey = createContextKey<CallInfo | undefined>(undefined, { description: "call info" });
