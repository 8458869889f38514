import * as oidc from "openid-client";
import { CliError, ExitCode } from "../errors.js";
import type { StoredSignIn } from "./credentials-file.js";

/** Scopes asked for by default: the user's email and name, and a refresh token (`offline_access`). */
export const DEFAULT_SCOPES = "openid email profile offline_access";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * The provider's configuration (OpenID discovery) for a public client (PKCE, no secret). Plain
 * `http://` is allowed only for a provider on this machine's loopback (development, tests).
 */
export async function discover(issuer: string, clientId: string): Promise<oidc.Configuration> {
  const url = new URL(issuer);
  const insecure = url.protocol === "http:" && LOOPBACK.has(url.hostname);
  if (url.protocol === "http:" && !insecure)
    throw new CliError(
      `the issuer ${issuer} must use https:// (http is allowed only on loopback)`,
      ExitCode.USAGE,
    );
  try {
    return await oidc.discovery(url, clientId, undefined, oidc.None(), {
      ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
    });
  } catch (err) {
    throw new CliError(
      `cannot read the OpenID configuration of ${issuer}: ${(err as Error).message}`,
      ExitCode.USAGE,
    );
  }
}

/** A sign-in to store from a token response (of a code or a refresh grant). */
export function signInFrom(
  tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers,
  base: Pick<StoredSignIn, "issuer" | "clientId" | "scopes">,
  previousRefreshToken?: string,
): StoredSignIn {
  const claims = tokens.claims();
  if (!tokens.id_token || !claims)
    throw new CliError("the provider returned no ID token: is `openid` among the scopes?", ExitCode.FAILED);
  const email =
    claims["email_verified"] === true && typeof claims["email"] === "string" ? claims["email"] : undefined;
  return {
    ...base,
    idToken: tokens.id_token,
    refreshToken: tokens.refresh_token ?? previousRefreshToken,
    expiresAt: claims.exp * 1000,
    user: email ?? claims.sub,
  };
}
