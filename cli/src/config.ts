/** Where the CLI finds the services, and the credentials it sends. */
export interface CliConfig {
  readonly registryUrl: string;
  readonly workflowsUrl: string;
  readonly executorUrl: string;
  /** Sent as `authorization: Bearer <key>` when set. */
  readonly apiKey: string | undefined;
  /** Sent as `x-mcp-workspace` on every call when set (the services' default: `default`). */
  readonly workspace: string | undefined;
}

/** The global flags that override the environment. */
export interface ConnectionFlags {
  readonly registry?: string;
  readonly workflows?: string;
  readonly executor?: string;
  readonly apiKey?: string;
  readonly workspace?: string;
}

export const DEFAULT_URLS = {
  registry: "http://127.0.0.1:50051",
  workflows: "http://127.0.0.1:50052",
  executor: "http://127.0.0.1:50053",
} as const;

/** Thrown for a bad endpoint or key: a usage error (exit code 2). */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/**
 * Resolves the endpoints once: flag, else environment (REGISTRY_URL, WORKFLOWS_URL, EXECUTOR_URL,
 * MCP_API_KEY, MCP_WORKSPACE), else the local defaults. A bare `host:port` gets `http://`.
 */
export function resolveConfig(flags: ConnectionFlags, env: NodeJS.ProcessEnv): CliConfig {
  const pick = (flag: string | undefined, variable: string, fallback: string) =>
    normalizeUrl(flag ?? nonEmpty(env[variable]) ?? fallback, flag !== undefined ? "flag" : variable);
  const apiKey = flags.apiKey ?? nonEmpty(env["MCP_API_KEY"]);
  if (apiKey !== undefined && /[\s]/.test(apiKey))
    throw new ConfigError("the API key must not contain whitespace");
  // checked by the services (INVALID_ARGUMENT naming the x-mcp-workspace header), not twice here
  const workspace = flags.workspace ?? nonEmpty(env["MCP_WORKSPACE"]);
  return Object.freeze({
    registryUrl: pick(flags.registry, "REGISTRY_URL", DEFAULT_URLS.registry),
    workflowsUrl: pick(flags.workflows, "WORKFLOWS_URL", DEFAULT_URLS.workflows),
    executorUrl: pick(flags.executor, "EXECUTOR_URL", DEFAULT_URLS.executor),
    apiKey,
    workspace,
  });
}

const nonEmpty = (value: string | undefined) =>
  value === undefined || value.trim() === "" ? undefined : value.trim();

function normalizeUrl(value: string, from: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConfigError(`${from}: "${value}" is not a URL (expected e.g. http://127.0.0.1:50051)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`${from}: "${value}" must use http:// or https://`);
  }
  return withScheme.replace(/\/+$/, "");
}
