import type { Interceptor } from "@connectrpc/connect";
import type { Logger } from "pino";
import type { ServiceConfig } from "../config.js";
import { Authenticator } from "./authenticate.js";
import { authInterceptor } from "./interceptor.js";
import { ApiKeyVerifier, type ApiKeyLookup } from "./key-verifier.js";
import { OidcVerifier } from "./oidc-verifier.js";
import type { ScopePolicy } from "./scopes.js";
import { UserSightings, type UserRecorder } from "./user-sightings.js";

/** Where credentials are checked: the `api_keys` table, and the `users` table for signed-in people. */
export interface CredentialStores {
  readonly keys: ApiKeyLookup;
  readonly users: UserRecorder;
}

/**
 * The server interceptors a service's composition root passes to `startServer`: the credential check
 * (API keys, and OpenID Connect tokens when `config.oidc` is set) when `config.auth.enabled`, nothing
 * otherwise. Logs which mode the service runs in.
 */
export function serverAuth(
  config: ServiceConfig,
  stores: CredentialStores,
  options: ScopePolicy & { logger: Logger; callsOtherServices: boolean },
): Interceptor[] {
  const { logger } = options;
  if (!config.auth.enabled) {
    logger.info("AUTH_ENABLED=false: no API keys required (single-node mode default)");
    if (config.oidc) logger.warn("OIDC_ISSUER_URL is set but AUTH_ENABLED=false: sign-in tokens are ignored");
    return [];
  }
  logger.info(
    {
      mutatingScope: options.mutating,
      ...(options.services ? { serviceScopes: options.services } : {}),
      keyCacheMs: config.auth.cacheMs,
      ...(config.oidc ? { oidcIssuer: config.oidc.issuerUrl, oidcAudiences: config.oidc.audiences } : {}),
    },
    config.oidc
      ? "API keys or sign-in tokens required on mutating and executing calls"
      : "API keys required on mutating and executing calls",
  );
  if (options.callsOtherServices && !config.auth.serviceApiKey) {
    logger.warn(
      "SERVICE_API_KEY is not set: calls to other services go without a key (read-only calls still work)",
    );
  }
  const keys = new ApiKeyVerifier(stores.keys, config.auth.cacheMs, (err) =>
    logger.warn({ err }, "could not record an API key's last use"),
  );
  const oidc = config.oidc && {
    verifier: new OidcVerifier(config.oidc),
    users: new UserSightings(stores.users, config.oidc.lastSeenMinutes * 60_000),
  };
  const authenticator = new Authenticator(keys, oidc);
  return [authInterceptor({ authenticator, mutating: options.mutating, services: options.services })];
}
