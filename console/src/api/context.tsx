import { createContext, useContext, useSyncExternalStore, type ReactNode } from "react";
import type { ConsoleConfig } from "../config/load-config";
import type { Session, SessionStore } from "../sign-in/session";
import type { ApiKeyStore } from "./api-key";
import type { Clients } from "./clients";

/** What every page needs to talk to the services. */
export interface Api {
  readonly clients: Clients;
  readonly config: ConsoleConfig;
  readonly apiKey: ApiKeyStore;
  /** The signed-in user's session (used when `config.signIn` is set). */
  readonly sessions: SessionStore;
  /** The chosen workspace (undefined = `default`), sent as `x-mcp-workspace` on every call. */
  readonly workspace: ApiKeyStore;
}

const ApiContext = createContext<Api | undefined>(undefined);

export function ApiProvider({ api, children }: { api: Api; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

/** The API of the nearest ApiProvider. */
export function useApi(): Api {
  const api = useContext(ApiContext);
  if (api === undefined) throw new Error("useApi() outside <ApiProvider>");
  return api;
}

/** The typed clients. */
export function useClients(): Clients {
  return useApi().clients;
}

/** The chosen workspace (undefined = `default`); re-renders when it changes. */
export function useWorkspace(): string | undefined {
  const { workspace } = useApi();
  return useSyncExternalStore(workspace.subscribe, workspace.get);
}

/** The current API key; re-renders when it changes. */
export function useApiKey(): string | undefined {
  const { apiKey } = useApi();
  return useSyncExternalStore(apiKey.subscribe, apiKey.get);
}

/** The signed-in user's session; re-renders when it changes. */
export function useSession(): Session | undefined {
  const { sessions } = useApi();
  return useSyncExternalStore(sessions.subscribe, sessions.get);
}
