/**
 * The browser side of sign-in with OpenID Connect: the authorization code flow with PKCE for a public
 * client (no secret), with `openid-client`. Loaded only when the console is configured for sign-in.
 */
import * as oidc from "openid-client";
import type { SignInConfig } from "../config/load-config";
import type { Session } from "./session";

/** The redirect URI the provider sends the browser back to (register it at the provider). */
export const CALLBACK_PATH = "/signin/callback";

/** What survives the round trip to the provider (sessionStorage): the PKCE verifier, state and where to go back. */
const PENDING_KEY = "mcp-console.sign-in-pending";

interface Pending {
  readonly verifier: string;
  readonly state: string;
  readonly returnTo: string;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

let discovered: { key: string; config: Promise<oidc.Configuration> } | undefined;

/** The provider's configuration (discovery, once per page); plain http only for a loopback provider. */
function configuration(settings: SignInConfig): Promise<oidc.Configuration> {
  const key = `${settings.issuer} ${settings.clientId}`;
  if (discovered?.key !== key) {
    const url = new URL(settings.issuer);
    const insecure = url.protocol === "http:" && LOOPBACK.has(url.hostname);
    const config = oidc.discovery(url, settings.clientId, undefined, oidc.None(), {
      ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
    });
    config.catch(() => (discovered = undefined));
    discovered = { key, config };
  }
  return discovered.config;
}

const redirectUri = () => `${window.location.origin}${CALLBACK_PATH}`;

/** Sends the browser to the provider's sign-in page; comes back to {@link CALLBACK_PATH}. */
export async function startSignIn(settings: SignInConfig, returnTo: string): Promise<void> {
  const config = await configuration(settings);
  const verifier = oidc.randomPKCECodeVerifier();
  const pending: Pending = { verifier, state: oidc.randomState(), returnTo };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri(),
    scope: settings.scopes,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state: pending.state,
    // OpenID Connect Core §11: a refresh token (offline_access) is granted after consent.
    ...(settings.scopes.split(/\s+/).includes("offline_access") ? { prompt: "consent" } : {}),
  });
  window.location.assign(url.href);
}

/** Completes the sign-in the provider redirected back with (`currentUrl`); returns the session and where to go. */
export async function finishSignIn(
  settings: SignInConfig,
  currentUrl: URL,
): Promise<{ session: Session; returnTo: string }> {
  const text = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  if (!text) throw new Error("no sign-in was started in this tab: start again from Sign in");
  const pending = JSON.parse(text) as Pending;
  const error = currentUrl.searchParams.get("error");
  if (error)
    throw new Error(
      `the provider refused the sign-in: ${currentUrl.searchParams.get("error_description") ?? error}`,
    );
  const tokens = await oidc.authorizationCodeGrant(await configuration(settings), currentUrl, {
    pkceCodeVerifier: pending.verifier,
    expectedState: pending.state,
  });
  return { session: sessionFrom(tokens), returnTo: pending.returnTo };
}

/** A fresh session from the refresh token (the provider may rotate it). */
export async function refreshSession(settings: SignInConfig, session: Session): Promise<Session> {
  if (!session.refreshToken) throw new Error("no refresh token");
  const tokens = await oidc.refreshTokenGrant(await configuration(settings), session.refreshToken);
  return sessionFrom(tokens, session.refreshToken);
}

/** Revokes the refresh token at the provider (best effort: signing out here never waits on it). */
export async function revokeSession(settings: SignInConfig, session: Session): Promise<void> {
  if (!session.refreshToken) return;
  try {
    await oidc.tokenRevocation(await configuration(settings), session.refreshToken);
  } catch {
    // no revocation endpoint, or unreachable: the tokens are gone from this tab anyway
  }
}

function sessionFrom(
  tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers,
  previousRefreshToken?: string,
): Session {
  const claims = tokens.claims();
  if (!tokens.id_token || !claims)
    throw new Error("the provider returned no ID token (is `openid` among the scopes?)");
  const email =
    claims["email_verified"] === true && typeof claims["email"] === "string" ? claims["email"] : undefined;
  return {
    idToken: tokens.id_token,
    refreshToken: tokens.refresh_token ?? previousRefreshToken,
    expiresAt: claims.exp * 1000,
    user: email ?? claims.sub,
  };
}
