import type { Interceptor } from "@connectrpc/connect";
import { PermissionDeniedError, UnauthenticatedError } from "@mcp/errors";
import { callInfoKey } from "../context.js";
import type { Authenticated, Authenticator } from "./authenticate.js";
import { OPEN_SERVICES, hasScope, requiredScope, type Scope, type ScopePolicy } from "./scopes.js";

/**
 * Requires a valid credential with the scope a method needs ({@link requiredScope}); health and
 * reflection are always open. Methods that need no scope are open too, but a credential presented on
 * one must still be valid. Who calls comes from the {@link Authenticator} (an API key, or a user
 * signed in with OpenID Connect); it becomes the call's `caller` and `principal` (the key's name, the
 * user's email), and the key's scopes the call's `scopes` (empty when none was sent, and for users),
 * so domain code can require more for particular requests (`requireScope`).
 */
export function authInterceptor(options: { authenticator: Authenticator } & ScopePolicy): Interceptor {
  return (next) => async (req) => {
    if (OPEN_SERVICES.has(req.service.typeName)) return next(req);
    const needed = requiredScope(req.method, options);
    const who = await options.authenticator.authenticate(req.header);
    const info = req.contextValues.get(callInfoKey);
    if (!who) {
      if (needed)
        throw new UnauthenticatedError(
          `${req.method.name} needs an API key: ${options.authenticator.howToSend}`,
        );
      if (info) req.contextValues.set(callInfoKey, { ...info, scopes: [] });
      return next(req);
    }
    if (needed && !hasScope(who.scopes, needed)) throw denied(who, needed, req.method.name);
    if (info) {
      req.contextValues.set(callInfoKey, {
        ...info,
        caller: who.caller,
        principal: who.caller.name,
        scopes: who.scopes,
        logger: info.logger.child({ principal: who.caller.name }),
      });
    }
    return next(req);
  };
}

function denied(who: Authenticated, needed: Scope, method: string): PermissionDeniedError {
  if (who.caller.kind === "user")
    return new PermissionDeniedError(
      `user "${who.caller.name}" is signed in, but ${method} needs the "${needed}" scope, which only API keys carry;` +
        ` signed-in users may call read-only methods`,
    );
  return new PermissionDeniedError(
    `API key "${who.caller.name}" lacks the "${needed}" scope that ${method} needs` +
      ` (it has: ${who.scopes.join(", ") || "none"})`,
  );
}
