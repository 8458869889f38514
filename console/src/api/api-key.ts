/** Where the API key lives: the browser's localStorage, under one key. */
export const API_KEY_STORAGE_KEY = "mcp-console.api-key";
/** Where the chosen workspace lives (sent as `x-mcp-workspace`; none = the services' `default`). */
export const WORKSPACE_STORAGE_KEY = "mcp-console.workspace";

/** Reads and writes one remembered setting: the API key (`authorization: Bearer <key>`), the workspace. */
export interface ApiKeyStore {
  readonly get: () => string | undefined;
  readonly set: (key: string | undefined) => void;
  /** Calls `listener` after every change; returns the unsubscribe function. */
  readonly subscribe: (listener: () => void) => () => void;
}

/** The API key's store over `storage` (localStorage in the app; any Storage in tests). */
export function createApiKeyStore(storage: Storage | undefined = globalThis.localStorage): ApiKeyStore {
  return createStoredValue(API_KEY_STORAGE_KEY, storage);
}

/** The chosen workspace's store over `storage`. */
export function createWorkspaceStore(storage: Storage | undefined = globalThis.localStorage): ApiKeyStore {
  return createStoredValue(WORKSPACE_STORAGE_KEY, storage);
}

/** A setting remembered in `storage` under `storageKey` (in memory when storage is disabled). */
function createStoredValue(storageKey: string, storage: Storage | undefined): ApiKeyStore {
  const listeners = new Set<() => void>();
  let memory: string | undefined;
  const read = (): string | undefined => {
    try {
      return storage?.getItem(storageKey) ?? undefined;
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
        if (value === undefined) storage?.removeItem(storageKey);
        else storage?.setItem(storageKey, value);
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
