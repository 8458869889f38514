import { UnauthenticatedError } from "@mcp/errors";
import type { Caller } from "./identity.js";
import type { ApiKeyVerifier } from "./key-verifier.js";
import { looksLikeJwt, type OidcVerifier } from "./oidc-verifier.js";
import type { UserSightings } from "./user-sightings.js";

/** How a caller sends credentials, for error messages. */
export const HOW_TO_SEND =
  'send "authorization: Bearer <key>" or "x-api-key: <key>" (create a key with `npm run keys -- create`)';

/** The same, when sign-in is configured too. */
const HOW_TO_SEND_OR_SIGN_IN = `${HOW_TO_SEND}, or sign in (\`mcp login\`, the console) and send "authorization: Bearer <token>"`;

/** Who authenticated, and what an API key allows (signed-in users hold no scopes). */
export interface Authenticated {
  readonly caller: Caller;
  /** The API key's scopes; empty for a signed-in user. */
  readonly scopes: readonly string[];
}

/** The credential a call presents (`authorization: Bearer` wins over `x-api-key`), or undefined. */
export function presentedCredential(header: Headers, howToSend = HOW_TO_SEND): string | undefined {
  const authorization = header.get("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match?.[1])
      throw new UnauthenticatedError(`the authorization header is not "Bearer <key>"; ${howToSend}`);
    return match[1];
  }
  return header.get("x-api-key")?.trim() || undefined;
}

/**
 * "Who is calling": an API key (`mcp_<id>_<secret>`, checked against the `api_keys` table) or, when
 * OpenID Connect is configured, a JWT from the issuer (verified, its user recorded in `users`).
 * Authorisation (what the caller may do) is the interceptor's, not this module's.
 */
export class Authenticator {
  constructor(
    private readonly keys: ApiKeyVerifier,
    private readonly oidc: { readonly verifier: OidcVerifier; readonly users: UserSightings } | undefined,
  ) {}

  /** What to tell a caller who sent no or bad credentials. */
  get howToSend(): string {
    return this.oidc ? HOW_TO_SEND_OR_SIGN_IN : HOW_TO_SEND;
  }

  /** The caller of a request with these headers; undefined when it sent no credential. */
  async authenticate(header: Headers): Promise<Authenticated | undefined> {
    const token = presentedCredential(header, this.howToSend);
    if (token === undefined) return undefined;
    if (!token.startsWith("mcp_") && looksLikeJwt(token)) {
      if (!this.oidc)
        throw new UnauthenticatedError(
          `a sign-in token (JWT) was sent, but this service accepts none: OIDC_ISSUER_URL is not set; ${HOW_TO_SEND}`,
          "SIGN_IN_NOT_CONFIGURED",
        );
      const user = await this.oidc.verifier.verify(token);
      const id = await this.oidc.users.idOf(user);
      return { caller: { kind: "user", id, name: user.email ?? user.subject }, scopes: [] };
    }
    const key = await this.keys.verify(token);
    return { caller: { kind: "key", id: key.keyId, name: key.name }, scopes: key.scopes };
  }
}
