export { generateApiKey, hashSecret, parseApiKey, secretMatches, type GeneratedApiKey } from "./api-key.js";
export { SCOPES, parseScopes, requiredScope, hasScope, type Scope, type ScopePolicy } from "./scopes.js";
export { requireScope } from "./require-scope.js";
export { ApiKeyVerifier, type ApiKeyLookup, type StoredApiKey, type Principal } from "./key-verifier.js";
export { authInterceptor } from "./interceptor.js";
export { Authenticator, presentedCredential, HOW_TO_SEND, type Authenticated } from "./authenticate.js";
export { OidcVerifier, looksLikeJwt, type VerifiedToken, type OidcVerifierOptions } from "./oidc-verifier.js";
export { UserSightings, type UserRecorder } from "./user-sightings.js";
export { serviceKeyInterceptor } from "./service-key.js";
export { serverAuth } from "./server-auth.js";
export {
  ROLES,
  DEFAULT_WORKSPACE,
  WORKSPACE_HEADER,
  WORKSPACE_NAME,
  roleAllows,
  type Role,
  type Caller,
} from "./identity.js";
