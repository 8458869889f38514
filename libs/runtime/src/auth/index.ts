export { generateApiKey, hashSecret, parseApiKey, secretMatches, type GeneratedApiKey } from "./api-key.js";
export { LEGACY_SCOPES, roleForScopes } from "./legacy-scopes.js";
export {
  POLICY,
  OPEN_SERVICES,
  PROTECTED_LABEL,
  requirementOf,
  ruleOf,
  policyServices,
  type Requirement,
  type Rule,
} from "./policy.js";
export { requireRole } from "./require-role.js";
export { MemberRoles, asRole, type MemberLookup } from "./roles.js";
export { ApiKeyVerifier, type ApiKeyLookup, type StoredApiKey, type Principal } from "./key-verifier.js";
export {
  authInterceptor,
  presentedKey,
  describeCaller,
  HOW_TO_SEND,
  type AuthOptions,
  type UserTokenVerifier,
} from "./interceptor.js";
export { SignedInUsers } from "./user-tokens.js";
export { OidcVerifier, looksLikeJwt, type VerifiedToken, type OidcVerifierOptions } from "./oidc-verifier.js";
export { UserSightings, type UserRecorder } from "./user-sightings.js";
export { serviceKeyInterceptor } from "./service-key.js";
export { serverAuth, signInVerifier } from "./server-auth.js";
export {
  ROLES,
  DEFAULT_WORKSPACE,
  WORKSPACE_HEADER,
  WORKSPACE_NAME,
  roleAllows,
  type Role,
  type Caller,
} from "./identity.js";
export {
  workspaceInterceptor,
  workspaceExistsInterceptor,
  workspaceHeaders,
  callWorkspace,
  workspaceOf,
  checkKeyWorkspace,
  CachedWorkspaceDirectory,
  EVERY_WORKSPACE,
  WORKSPACE_SERVICE,
  type WorkspaceDirectory,
} from "./workspace.js";
