/** Where the API key lives: the browser's localStorage, under one key. */
export const API_KEY_STORAGE_KEY = "mcp-console.api-key";

/** Reads and writes the API key the console sends as `authorization: Bearer <key>`. */
export interface ApiKeyStore {
  readonly get: () => string | undefined;
  readonly set: (key: string | undefined) => void;
  /** Calls `listener` after every change; returns the unsubscribe function. */
  readonly subscribe: (listener: () => void) => () => void;
}

/** A store over `storage` (localStorage in the app; any Storage in tests). */
export function createApiKeyStore(storage: Storage | undefined = globalThis.localStorage): ApiKeyStore {
  const listeners = new Set<() => void>();
  let memory: string | undefined;
  const read = (): string | undefined => {
    try {
      return storage?.getItem(API_KEY_STORAGE_KEY) ?? undefined;
    } catch {
      return memory; // storage disabled (private mode, sandboxed frame): keep it for this page only
    }
  };
  return {
    get: () => {
      const key = read()?.trim();
      return key ? key : undefined;
    },
    set: (key) => {
      const value = key?.trim() || undefined;
      memory = value;
      try {
        if (value === undefined) storage?.removeItem(API_KEY_STORAGE_KEY);
        else storage?.setItem(API_KEY_STORAGE_KEY, value);
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
