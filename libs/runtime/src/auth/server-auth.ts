import type { Interceptor } from "@connectrpc/connect";
import type { Logger } from "pino";
import type { ServiceConfig } from "../config.js";
import { authInterceptor } from "./interceptor.js";
import { ApiKeyVerifier, type ApiKeyLookup } from "./key-verifier.js";
import type { ScopePolicy } from "./scopes.js";

/**
 * The server interceptors a service's composition root passes to `startServer`: the API-key check when
 * `config.auth.enabled`, nothing otherwise. Logs which mode the service runs in.
 */
export function serverAuth(
  config: ServiceConfig,
  keys: ApiKeyLookup,
  options: ScopePolicy & { logger: Logger; callsOtherServices: boolean },
): Interceptor[] {
  const { logger } = options;
  if (!config.auth.enabled) {
    logger.info("AUTH_ENABLED=false: no API keys required (single-node mode default)");
    return [];
  }
  logger.info(
    {
      mutatingScope: options.mutating,
      ...(options.services ? { serviceScopes: options.services } : {}),
      keyCacheMs: config.auth.cacheMs,
    },
    "API keys required on mutating and executing calls",
  );
  if (options.callsOtherServices && !config.auth.serviceApiKey) {
    logger.warn(
      "SERVICE_API_KEY is not set: calls to other services go without a key (read-only calls still work)",
    );
  }
  const verifier = new ApiKeyVerifier(keys, config.auth.cacheMs, (err) =>
    logger.warn({ err }, "could not record an API key's last use"),
  );
  return [authInterceptor({ verifier, mutating: options.mutating, services: options.services })];
}
