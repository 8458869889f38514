import { PermissionDeniedError, UnauthenticatedError } from "@mcp/errors";
import type { CallInfo } from "../context.js";
import { HOW_TO_SEND } from "./authenticate.js";
import { hasScope, type Scope } from "./scopes.js";

/**
 * Requires `scope` of the calling API key for one particular request, beyond what its method needs
 * (e.g. `admin` to write an MCP version that asks for network egress). Does nothing when API keys are
 * off (`info.scopes` undefined — also when there is no call info: only the auth interceptor sets
 * scopes). Otherwise throws UnauthenticatedError when no key was sent and PermissionDeniedError when
 * the key lacks the scope; `action` completes "… needed to <action>", e.g. "allow network egress".
 */
export function requireScope(
  info: Pick<CallInfo, "scopes" | "principal"> | undefined,
  scope: Scope,
  action: string,
): void {
  const scopes = info?.scopes;
  if (scopes === undefined || hasScope(scopes, scope)) return;
  if (info?.principal === undefined) {
    throw new UnauthenticatedError(
      `an API key with the "${scope}" scope is needed to ${action}: ${HOW_TO_SEND}`,
    );
  }
  throw new PermissionDeniedError(
    `API key "${info.principal}" lacks the "${scope}" scope needed to ${action}` +
      ` (it has: ${scopes.join(", ") || "none"}); use a key with the "${scope}" scope`,
  );
}
