import type { Interceptor } from "@connectrpc/connect";
import type { Logger } from "pino";
import type { ServiceConfig } from "../config.js";
import { authInterceptor, type UserTokenVerifier } from "./interceptor.js";
import { ApiKeyVerifier, type ApiKeyLookup } from "./key-verifier.js";
import { MemberRoles, type MemberLookup } from "./roles.js";

/**
 * The server interceptors a service's composition root passes to `startServer`: authentication and
 * the role policy when `config.auth.enabled`, nothing otherwise (every call allowed). Logs which mode
 * the service runs in.
 */
export function serverAuth(
  config: ServiceConfig,
  stores: { keys: ApiKeyLookup; members: MemberLookup; users?: UserTokenVerifier },
  options: { logger: Logger; callsOtherServices: boolean },
): Interceptor[] {
  const { logger } = options;
  if (!config.auth.enabled) {
    logger.info("AUTH_ENABLED=false: no credentials required, every call allowed (single-node mode default)");
    return [];
  }
  logger.info(
    {
      keyCacheMs: config.auth.cacheMs,
      bootstrapAdmins: config.auth.bootstrapAdminEmails.length,
    },
    "credentials required on every call but health and reflection; roles per workspace apply",
  );
  if (options.callsOtherServices && !config.auth.serviceApiKey) {
    logger.warn(
      "SERVICE_API_KEY is not set: calls to other services go without a key and are refused; set it to a viewer key",
    );
  }
  const keys = new ApiKeyVerifier(stores.keys, config.auth.cacheMs, (err) =>
    logger.warn({ err }, "could not record an API key's last use"),
  );
  const members = new MemberRoles(stores.members, config.auth.bootstrapAdminEmails, config.auth.cacheMs);
  return [authInterceptor({ keys, members, ...(stores.users ? { users: stores.users } : {}) })];
}
