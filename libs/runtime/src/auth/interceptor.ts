import type { DescMethod } from "@bufbuild/protobuf";
import type { Interceptor } from "@connectrpc/connect";
import { PermissionDeniedError, UnauthenticatedError } from "@mcp/errors";
import { callInfoKey } from "../context.js";
import { DEFAULT_WORKSPACE, roleAllows, type Caller, type Role } from "./identity.js";
import type { ApiKeyVerifier } from "./key-verifier.js";
import { looksLikeJwt } from "./oidc-verifier.js";
import { OPEN_SERVICES, requirementOf } from "./policy.js";
import type { MemberRoles } from "./roles.js";
import { checkKeyWorkspace } from "./workspace.js";

/** How a caller sends a credential, for error messages. */
export const HOW_TO_SEND =
  'send "authorization: Bearer <key or token>" or "x-api-key: <key>" (create a key with `npm run keys -- create --role <role>`)';

/** Verifies a presented token that is not an API key (OpenID Connect sign-in plugs in here). */
export interface UserTokenVerifier {
  /** The signed-in user (`kind: "user"`, `name`: their verified email); UnauthenticatedError when the token is not valid. */
  verify(token: string): Promise<Caller>;
}

/** The credential a call presents (`authorization: Bearer` wins over `x-api-key`), or undefined. */
export function presentedKey(header: Headers): string | undefined {
  const authorization = header.get("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match?.[1])
      throw new UnauthenticatedError(`the authorization header is not "Bearer <credential>"; ${HOW_TO_SEND}`);
    return match[1];
  }
  return header.get("x-api-key")?.trim() || undefined;
}

/** What the interceptor needs: keys, memberships, and (optionally) a verifier of users' tokens. */
export interface AuthOptions {
  readonly keys: ApiKeyVerifier;
  readonly members: MemberRoles;
  readonly users?: UserTokenVerifier;
}

/** "API key "ci"" / "user "ana@example.com"" for messages. */
export function describeCaller(caller: Caller): string {
  return `${caller.kind === "key" ? "API key" : caller.kind} "${caller.name}"`;
}

/**
 * Authenticates every call but health and reflection, and applies THE policy ({@link requirementOf}):
 * no credential → UNAUTHENTICATED saying how to send one; a caller without the role the call needs in
 * the call's workspace → PERMISSION_DENIED naming the role needed and the caller's role. An API key
 * carries its role; a user gets the role of their membership of the workspace. The caller, their role
 * and their name (as `principal`) go into the call's CallInfo — before a refusal too, so the audit log
 * can say who was refused.
 */
export function authInterceptor(options: AuthOptions): Interceptor {
  return (next) => async (req) => {
    if (OPEN_SERVICES.has(req.service.typeName)) return next(req);
    const needed = requirementOf(req.method, req.stream ? undefined : req.message);
    const token = presentedKey(req.header);
    if (!token) {
      const signIn = options.users ? ", or sign in (`mcp login`, the console) and send its token" : "";
      throw new UnauthenticatedError(`${req.method.name} needs a credential: ${HOW_TO_SEND}${signIn}`);
    }
    const info = req.contextValues.get(callInfoKey);
    const workspace = info?.workspace ?? DEFAULT_WORKSPACE;
    const { caller, role } = await identify(token, workspace, options, req.method);
    if (info) {
      req.contextValues.set(callInfoKey, {
        ...info,
        principal: caller.name,
        caller,
        role,
        logger: info.logger.child({ principal: caller.name }),
      });
    }
    if (needed === undefined || needed === "authenticated") return next(req);
    if (role === undefined) {
      throw new PermissionDeniedError(
        `${req.method.name} needs the "${needed}" role in workspace "${workspace}"; ` +
          `${describeCaller(caller)} has no role there (an admin of the workspace can add it: \`mcp members add\`)`,
      );
    }
    if (!roleAllows(role, needed)) {
      throw new PermissionDeniedError(
        `${req.method.name} needs the "${needed}" role in workspace "${workspace}"; ` +
          `${describeCaller(caller)} has "${role}"`,
      );
    }
    return next(req);
  };
}

async function identify(
  token: string,
  workspace: string,
  options: AuthOptions,
  method: DescMethod,
): Promise<{ caller: Caller; role: Role | undefined }> {
  // A JWT-shaped token is a sign-in's; anything else is checked (and refused) as an API key.
  const signIn = !token.startsWith("mcp_") && looksLikeJwt(token);
  if (signIn && !options.users) {
    throw new UnauthenticatedError(
      `a sign-in token (JWT) was sent, but this service accepts none: OIDC_ISSUER_URL is not set; ${HOW_TO_SEND}`,
      "SIGN_IN_NOT_CONFIGURED",
    );
  }
  if (!signIn || !options.users) {
    const key = await options.keys.verify(token);
    checkKeyWorkspace(key, method, workspace);
    return { caller: { kind: "key", id: key.keyId, name: key.name }, role: key.role };
  }
  const caller = await options.users.verify(token);
  return { caller, role: await options.members.roleOf(caller, workspace) };
}
