import type { ApiKeyStore } from "../api/api-key";
import type { ConsoleConfig } from "../config/load-config";
import type { SessionStore } from "./session";

/** A token this close to its expiry is refreshed before a call uses it. */
const REFRESH_MARGIN_MS = 60_000;

/**
 * What the console sends as `authorization: Bearer` on each call: with sign-in configured, the
 * signed-in user's token (refreshed first when it is about to expire; a session that cannot be
 * refreshed is dropped, so the header shows "Sign in" again); without, the API key from Settings.
 */
export function createCredential(
  config: ConsoleConfig,
  apiKey: ApiKeyStore,
  sessions: SessionStore,
): () => Promise<string | undefined> {
  const signIn = config.signIn;
  if (!signIn) return async () => apiKey.get();
  let refreshing: Promise<string | undefined> | undefined;
  return async () => {
    const session = sessions.get();
    if (!session) return undefined;
    if (session.expiresAt - Date.now() > REFRESH_MARGIN_MS) return session.idToken;
    refreshing ??= (async () => {
      try {
        const { refreshSession } = await import("./oidc-flow");
        const next = await refreshSession(signIn, session);
        sessions.set(next);
        return next.idToken;
      } catch {
        sessions.set(undefined); // expired for good: sign in again
        return undefined;
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  };
}
