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
export { loadDotEnv } from "./dotenv.js";
export { runService, type StartedService } from "./run-service.js";
export {
  createMetricsRegistry,
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
  Authenticator,
  OidcVerifier,
  UserSightings,
  looksLikeJwt,
  type Authenticated,
  type VerifiedToken,
  type UserRecorder,
  generateApiKey,
  parseApiKey,
  parseScopes,
  requireScope,
  SCOPES,
  type ApiKeyLookup,
  type StoredApiKey,
  type Scope,
  type ScopePolicy,
} from "./auth/index.js";
