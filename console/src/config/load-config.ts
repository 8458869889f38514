/** Where the three services answer, as the browser reaches them, and how people sign in. */
export interface ConsoleConfig {
  readonly registryUrl: string;
  readonly workflowsUrl: string;
  readonly executorUrl: string;
  /** Where a run's trace is shown (`CONSOLE_TRACE_URL`): a URL template with `{traceId}`; unset = no link. */
  readonly traceUrl?: string;
  /** Sign-in with OpenID Connect; undefined = the console asks for an API key (Settings). */
  readonly signIn?: SignInConfig;
}

/** The OpenID provider and the console's public client there (`/config.json` `signIn`). */
export interface SignInConfig {
  readonly issuer: string;
  readonly clientId: string;
  /** Space-separated. */
  readonly scopes: string;
}

/** `signIn` of the config file when it is well formed. */
function signInOf(value: unknown): SignInConfig | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { issuer, clientId, scopes } = value as Record<string, unknown>;
  if (typeof issuer !== "string" || typeof clientId !== "string" || !issuer || !clientId) return undefined;
  return Object.freeze({
    issuer,
    clientId,
    scopes: typeof scopes === "string" && scopes.trim() ? scopes : "openid email profile offline_access",
  });
}

/** Default ports of the services (see the root README). */
export const DEFAULT_PORTS = { registryUrl: 50051, workflowsUrl: 50052, executorUrl: 50053 } as const;

type Key = keyof typeof DEFAULT_PORTS;
const KEYS = Object.keys(DEFAULT_PORTS) as Key[];

/** `http(s)://<page hostname>:<default port>` for each service: what `npm start` serves on this host. */
export function defaultConfig(location: Pick<Location, "protocol" | "hostname">): ConsoleConfig {
  const bare = location.hostname.includes(":") && !location.hostname.startsWith("[");
  const host = bare ? `[${location.hostname}]` : location.hostname;
  const url = (key: Key) => `${location.protocol}//${host}:${DEFAULT_PORTS[key]}`;
  return {
    registryUrl: url("registryUrl"),
    workflowsUrl: url("workflowsUrl"),
    executorUrl: url("executorUrl"),
  };
}

/**
 * Reads `/config.json` (`{"registryUrl", "workflowsUrl", "executorUrl", "traceUrl"?}`). When it is missing (e.g. under
 * `vite dev`) or not JSON, every address falls back to the default; a file naming only some services
 * overrides only those. Trailing slashes are dropped.
 */
export async function loadConfig(
  fetchFn: typeof fetch = fetch,
  location: Pick<Location, "protocol" | "hostname"> = window.location,
): Promise<ConsoleConfig> {
  const defaults = defaultConfig(location);
  let file: Record<string, unknown> = {};
  try {
    const res = await fetchFn("/config.json", { cache: "no-store" });
    const type = res.headers.get("content-type") ?? "";
    if (res.ok && !type.includes("text/html")) {
      const body = (await res.json()) as unknown;
      if (typeof body === "object" && body !== null && !Array.isArray(body)) {
        file = body as Record<string, unknown>;
      }
    }
  } catch {
    // No config file (or not JSON): the defaults apply.
  }
  const pick = (key: Key): string => {
    const value = file[key];
    return typeof value === "string" && value.trim() !== ""
      ? value.trim().replace(/\/+$/, "")
      : defaults[key];
  };
  const signIn = signInOf(file["signIn"]);
  const traceUrl = file["traceUrl"];
  return Object.freeze({
    ...(Object.fromEntries(KEYS.map((k) => [k, pick(k)])) as Record<Key, string>),
    ...(typeof traceUrl === "string" && traceUrl.includes("{traceId}") ? { traceUrl } : {}),
    ...(signIn ? { signIn } : {}),
  });
}
