import { resolve } from "node:path";
import { ConfigError } from "@mcp/runtime";

/** The three services the browser app calls, by the key it reads from `/config.json`. */
export const CONSOLE_SERVICE_KEYS = ["registryUrl", "workflowsUrl", "executorUrl"] as const;
export type ConsoleServiceKey = (typeof CONSOLE_SERVICE_KEYS)[number];

/** Where the browser finds one service. */
export interface ServiceAddress {
  readonly url: string;
  /**
   * True when the URL was set explicitly (`CONSOLE_*_URL`): served verbatim. A defaulted URL on a
   * loopback host follows the host name the browser used to reach the console, so a console opened
   * as `http://build-box:8080` points at `http://build-box:50051`, not at the browser's own machine.
   */
  readonly explicit: boolean;
}

/** Typed, validated configuration of the console server. Built once at start-up, then frozen. */
export interface ConsoleConfig {
  /** `undefined` = the console is off (`CONSOLE_PORT=off`); 0 = any free port. */
  readonly port: number | undefined;
  readonly host: string;
  /** The console workspace; its build is `<consoleDir>/dist`. */
  readonly consoleDir: string;
  readonly services: Readonly<Record<ConsoleServiceKey, ServiceAddress>>;
  /**
   * `CONSOLE_TRACE_URL`: where a run's trace is shown, a URL template with `{traceId}` (e.g.
   * `http://jaeger:16686/trace/{traceId}`); undefined = the run page shows the trace id without a link.
   */
  readonly traceUrl: string | undefined;
  /** Sign-in with OpenID Connect (`OIDC_ISSUER_URL`, `OIDC_CLIENT_ID`, `OIDC_SCOPES`); unset = the console asks for an API key. */
  readonly signIn: SignInSettings | undefined;
}

/** What the browser app needs to sign people in (served in `/config.json`; nothing secret). */
export interface SignInSettings {
  readonly issuer: string;
  /** A public client at the provider (PKCE, no secret) allowing `<console origin>/signin/callback` as a redirect. */
  readonly clientId: string;
  /** Space-separated; default `openid email profile offline_access`. */
  readonly scopes: string;
}

/** Scopes the console and the CLI ask for by default: email and name, and a refresh token. */
export const DEFAULT_SIGN_IN_SCOPES = "openid email profile offline_access";

function parseSignIn(env: NodeJS.ProcessEnv, problems: string[]): SignInSettings | undefined {
  const issuer = env["OIDC_ISSUER_URL"]?.trim();
  if (!issuer) return undefined;
  const clientId = env["OIDC_CLIENT_ID"]?.trim();
  if (!clientId)
    problems.push(
      "OIDC_CLIENT_ID must be set with OIDC_ISSUER_URL (the console's client id at the provider)",
    );
  return Object.freeze({
    // kept exactly: a token's `iss` must equal it, trailing slash and all
    issuer: parseUrl("OIDC_ISSUER_URL", issuer, problems, true),
    clientId: clientId ?? "",
    scopes: env["OIDC_SCOPES"]?.trim() || DEFAULT_SIGN_IN_SCOPES,
  });
}

const ENV_NAMES: Record<ConsoleServiceKey, string> = {
  registryUrl: "CONSOLE_REGISTRY_URL",
  workflowsUrl: "CONSOLE_WORKFLOWS_URL",
  executorUrl: "CONSOLE_EXECUTOR_URL",
};

export const DEFAULT_CONSOLE_PORT = 8080;
const OFF = new Set(["off", "false", "no", "none"]);

function parsePort(raw: string | undefined, problems: string[]): number | undefined {
  if (raw === undefined || raw.trim() === "") return DEFAULT_CONSOLE_PORT;
  if (OFF.has(raw.trim().toLowerCase())) return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`CONSOLE_PORT must be a port number between 0 and 65535, or "off" (got "${raw}")`);
    return undefined;
  }
  return port;
}

function parseUrl(name: string, raw: string, problems: string[], keepSlash = false): string {
  try {
    const url = new URL(raw);
    if (url.protocol === "http:" || url.protocol === "https:")
      return keepSlash ? raw : raw.replace(/\/+$/, "");
  } catch {
    // reported below
  }
  problems.push(`${name} must be a URL starting with http:// or https:// (got "${raw}")`);
  return raw;
}

function parseTraceUrl(raw: string | undefined, problems: string[]): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  const url = parseUrl("CONSOLE_TRACE_URL", value, problems);
  if (!value.includes("{traceId}"))
    problems.push(
      `CONSOLE_TRACE_URL must contain {traceId}, e.g. http://jaeger:16686/trace/{traceId} (got "${raw}")`,
    );
  return url;
}

/**
 * Reads `CONSOLE_PORT` (default 8080; `0` = any free port; `off` = no console), `HOST` (default
 * `0.0.0.0`), `CONSOLE_DIR` and `CONSOLE_REGISTRY_URL` / `CONSOLE_WORKFLOWS_URL` /
 * `CONSOLE_EXECUTOR_URL` (each defaulting to `defaults`, the URLs the services really listen on),
 * `CONSOLE_TRACE_URL` (optional) and the sign-in settings `OIDC_ISSUER_URL`, `OIDC_CLIENT_ID`,
 * `OIDC_SCOPES` (the services' names).
 * Throws {@link ConfigError} naming every bad variable.
 */
export function loadConsoleConfig(
  env: NodeJS.ProcessEnv,
  defaults: { readonly consoleDir: string } & Readonly<Record<ConsoleServiceKey, string>>,
): ConsoleConfig {
  const problems: string[] = [];
  const port = parsePort(env["CONSOLE_PORT"], problems);
  const services = {} as Record<ConsoleServiceKey, ServiceAddress>;
  for (const key of CONSOLE_SERVICE_KEYS) {
    const raw = env[ENV_NAMES[key]];
    services[key] = Object.freeze(
      raw !== undefined && raw.trim() !== ""
        ? { url: parseUrl(ENV_NAMES[key], raw.trim(), problems), explicit: true }
        : { url: defaults[key].replace(/\/+$/, ""), explicit: false },
    );
  }
  const signIn = parseSignIn(env, problems);
  const traceUrl = parseTraceUrl(env["CONSOLE_TRACE_URL"], problems);
  if (problems.length) throw new ConfigError(problems);
  const consoleDir = env["CONSOLE_DIR"]?.trim();
  return Object.freeze({
    port,
    host: env["HOST"]?.trim() || "0.0.0.0",
    consoleDir: resolve(consoleDir || defaults.consoleDir),
    services: Object.freeze(services),
    signIn,
    traceUrl,
  });
}
