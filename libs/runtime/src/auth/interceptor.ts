import type { Interceptor } from "@connectrpc/connect";
import { PermissionDeniedError, UnauthenticatedError } from "@mcp/errors";
import { callInfoKey } from "../context.js";
import type { ApiKeyVerifier } from "./key-verifier.js";
import { OPEN_SERVICES, hasScope, requiredScope, type ScopePolicy } from "./scopes.js";
import { checkKeyWorkspace } from "./workspace.js";

/** How a caller sends a key, for error messages. */
export const HOW_TO_SEND =
  'send "authorization: Bearer <key>" or "x-api-key: <key>" (create a key with `npm run keys -- create`)';

/** The key a call presents (`authorization: Bearer` wins over `x-api-key`), or undefined. */
export function presentedKey(header: Headers): string | undefined {
  const authorization = header.get("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match?.[1])
      throw new UnauthenticatedError(`the authorization header is not "Bearer <key>"; ${HOW_TO_SEND}`);
    return match[1];
  }
  return header.get("x-api-key")?.trim() || undefined;
}

/**
 * Requires a valid API key with the scope a method needs ({@link requiredScope}); health and
 * reflection are always open. Methods that need no scope are open too, but a key presented on one
 * must still be valid. The key's name becomes the call's `principal` and its scopes the call's
 * `scopes` (empty when no key was sent), so domain code can require more for particular requests
 * (`requireScope`).
 */
export function authInterceptor(options: { verifier: ApiKeyVerifier } & ScopePolicy): Interceptor {
  return (next) => async (req) => {
    if (OPEN_SERVICES.has(req.service.typeName)) return next(req);
    const needed = requiredScope(req.method, options);
    const token = presentedKey(req.header);
    const info = req.contextValues.get(callInfoKey);
    if (!token) {
      if (needed) throw new UnauthenticatedError(`${req.method.name} needs an API key: ${HOW_TO_SEND}`);
      if (info) req.contextValues.set(callInfoKey, { ...info, scopes: [] });
      return next(req);
    }
    const principal = await options.verifier.verify(token);
    if (info) checkKeyWorkspace(principal, req.method, info.workspace);
    if (needed && !hasScope(principal.scopes, needed)) {
      throw new PermissionDeniedError(
        `API key "${principal.name}" lacks the "${needed}" scope that ${req.method.name} needs` +
          ` (it has: ${principal.scopes.join(", ") || "none"})`,
      );
    }
    if (info) {
      req.contextValues.set(callInfoKey, {
        ...info,
        principal: principal.name,
        scopes: principal.scopes,
        logger: info.logger.child({ principal: principal.name }),
      });
    }
    return next(req);
  };
}
