/** Where the sign-in lives: this tab's sessionStorage (gone when the tab closes), under one key. */
export const SESSION_STORAGE_KEY = "mcp-console.session";

/** A signed-in person's tokens. */
export interface Session {
  /** Sent as `authorization: Bearer`: the ID token (its audience is the console's client id). */
  readonly idToken: string;
  readonly refreshToken: string | undefined;
  /** When `idToken` expires (ms since the epoch). */
  readonly expiresAt: number;
  /** Who: the verified email, else the subject. */
  readonly user: string;
}

/** Reads and writes the session; like the API-key store, with change notifications. */
export interface SessionStore {
  readonly get: () => Session | undefined;
  readonly set: (session: Session | undefined) => void;
  readonly subscribe: (listener: () => void) => () => void;
}

/** A store over `storage` (sessionStorage in the app; any Storage in tests). */
export function createSessionStore(storage: Storage | undefined = globalThis.sessionStorage): SessionStore {
  const listeners = new Set<() => void>();
  let memory: Session | undefined;
  let cachedText: string | null | undefined;
  let cached: Session | undefined;
  const read = (): Session | undefined => {
    let text: string | null;
    try {
      text = storage?.getItem(SESSION_STORAGE_KEY) ?? null;
    } catch {
      return memory; // storage disabled: this page only
    }
    // the same object while the text is unchanged (useSyncExternalStore needs a stable snapshot)
    if (text !== cachedText) {
      cachedText = text;
      try {
        cached = text ? (JSON.parse(text) as Session) : undefined;
      } catch {
        cached = undefined;
      }
    }
    return cached;
  };
  return {
    get: read,
    set: (session) => {
      memory = session;
      try {
        if (session === undefined) storage?.removeItem(SESSION_STORAGE_KEY);
        else storage?.setItem(SESSION_STORAGE_KEY, JSON.stringify(session));
      } catch {
        // see read()
      }
      listeners.forEach((l) => l());
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
