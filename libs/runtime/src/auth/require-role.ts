import { PermissionDeniedError } from "@mcp/errors";
import type { CallInfo } from "../context.js";
import { roleAllows, type Role } from "./identity.js";
import { describeCaller } from "./interceptor.js";

/**
 * Requires `role` of the caller for one particular request, beyond what its method needs in the
 * policy, when the decision depends on stored state the interceptor cannot see (e.g. `admin` to write
 * an MCP version whose merged config asks for network egress). Does nothing when authentication is
 * off (no caller). `action` completes "… needed to <action>".
 */
export function requireRole(
  info: Pick<CallInfo, "caller" | "role" | "workspace"> | undefined,
  role: Role,
  action: string,
): void {
  // No caller: authentication is off (with it on, the interceptor refused every call without one).
  if (info?.caller === undefined) return;
  if (info.role !== undefined && roleAllows(info.role, role)) return;
  throw new PermissionDeniedError(
    `the "${role}" role in workspace "${info.workspace}" is needed to ${action}; ` +
      `${describeCaller(info.caller)} has ${info.role === undefined ? "no role there" : `"${info.role}"`}`,
  );
}
