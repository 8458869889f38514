import type { Interceptor } from "@connectrpc/connect";
import type { Logger } from "pino";
import type { ServiceConfig } from "../config.js";
import { authInterceptor, type UserTokenVerifier } from "./interceptor.js";
import { ApiKeyVerifier, type ApiKeyLookup } from "./key-verifier.js";
import { OidcVerifier } from "./oidc-verifier.js";
import { MemberRoles, type MemberLookup } from "./roles.js";
import { UserSightings, type UserRecorder } from "./user-sightings.js";
import { SignedInUsers } from "./user-tokens.js";

/**
 * The verifier of sign-in tokens (OpenID Connect, docs/adr/023) for a service configured with an
 * issuer (`config.oidc`), recording users in `users`; undefined when sign-in is not configured.
 */
export function signInVerifier(config: ServiceConfig, users: UserRecorder): UserTokenVerifier | undefined {
  if (!config.oidc) return undefined;
  return new SignedInUsers(
    new OidcVerifier(config.oidc),
    new UserSightings(users, config.oidc.lastSeenMinutes * 60_000),
  );
}

/**
 * The server interceptors a service's composition root passes to `startServer`: authentication and
 * the role policy when `config.auth.enabled`, nothing otherwise (every call allowed). API keys carry
 * their role; signed-in users (`stores.users`, see {@link signInVerifier}) get their membership's.
 * Logs which mode the service runs in.
 */
export function serverAuth(
  config: ServiceConfig,
  stores: { keys: ApiKeyLookup; members: MemberLookup; users?: UserTokenVerifier | undefined },
  options: { logger: Logger; callsOtherServices: boolean },
): Interceptor[] {
  const { logger } = options;
  if (!config.auth.enabled) {
    logger.info("AUTH_ENABLED=false: no credentials required, every call allowed (single-node mode default)");
    if (config.oidc) logger.warn("OIDC_ISSUER_URL is set but AUTH_ENABLED=false: sign-in tokens are ignored");
    return [];
  }
  logger.info(
    {
      keyCacheMs: config.auth.cacheMs,
      bootstrapAdmins: config.auth.bootstrapAdminEmails.length,
      ...(config.oidc ? { oidcIssuer: config.oidc.issuerUrl, oidcAudiences: config.oidc.audiences } : {}),
    },
    config.oidc
      ? "API keys or sign-in tokens required on every call but health and reflection; roles per workspace apply"
      : "credentials required on every call but health and reflection; roles per workspace apply",
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
