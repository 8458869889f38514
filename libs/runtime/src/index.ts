export {
  loadConfig,
  withSection,
  zodProblems,
  redactUrl,
  databaseScope,
  ConfigError,
  DEFAULT_PORTS,
  type ServiceConfig,
  type ServiceName,
  type OidcConfig,
} from "./config.js";
export { createLogger, type Logger } from "./logger.js";
export { toConnectError, codeOf, reasonOf } from "./errors.js";
export { callInfoKey, type CallInfo } from "./context.js";
export {
  validationTable,
  validationInterceptor,
  type Validator,
  type ValidationTable,
} from "./interceptors/validation.js";
export { loggingInterceptor } from "./interceptors/logging.js";
export { errorInterceptor } from "./interceptors/errors.js";
export { HealthState, ServingStatus } from "./health.js";
export { startServer, type ServerOptions, type RunningServer, type HttpRoute } from "./server.js";
export { httpStatusOf } from "./http-status.js";
export { onShutdown } from "./shutdown.js";
export { SIGNAL_ECHO_MS, signalRepeat, type FirstSignal } from "./signal-repeat.js";
export { createServiceClient } from "./clients.js";
export * from "./tracing/index.js";
export { loadDotEnv } from "./dotenv.js";
export { runService, type StartedService } from "./run-service.js";
export {
  createMetricsRegistry,
  type ServiceMetrics,
  metricsInterceptor,
  counter,
  gauge,
  histogram,
  coordinationMetrics,
} from "./metrics/index.js";
export type { Registry as MetricsRegistry } from "prom-client";
export {
  serverAuth,
  authInterceptor,
  ApiKeyVerifier,
  MemberRoles,
  SignedInUsers,
  OidcVerifier,
  UserSightings,
  signInVerifier,
  looksLikeJwt,
  type VerifiedToken,
  type UserRecorder,
  generateApiKey,
  hashSecret,
  parseApiKey,
  secretMatches,
  roleForScopes,
  requireRole,
  requirementOf,
  ruleOf,
  policyServices,
  asRole,
  describeCaller,
  POLICY,
  OPEN_SERVICES,
  PROTECTED_LABEL,
  LEGACY_SCOPES,
  ROLES,
  DEFAULT_WORKSPACE,
  WORKSPACE_HEADER,
  WORKSPACE_NAME,
  roleAllows,
  type ApiKeyLookup,
  type StoredApiKey,
  type MemberLookup,
  type UserTokenVerifier,
  type Requirement,
  type Rule,
  type Role,
  type Caller,
  workspaceInterceptor,
  workspaceExistsInterceptor,
  workspaceHeaders,
  callWorkspace,
  workspaceOf,
  CachedWorkspaceDirectory,
  EVERY_WORKSPACE,
  WORKSPACE_SERVICE,
  checkKeyWorkspace,
  type WorkspaceDirectory,
} from "./auth/index.js";
export {
  auditInterceptor,
  auditTarget,
  callAuditKey,
  outcomeName,
  type AuditSink,
  type AuditRecord,
  type CallAudit,
} from "./audit/index.js";
