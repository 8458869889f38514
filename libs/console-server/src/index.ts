export {
  loadConsoleConfig,
  CONSOLE_SERVICE_KEYS,
  DEFAULT_CONSOLE_PORT,
  type ConsoleConfig,
  type ConsoleServiceKey,
  type ServiceAddress,
  type SignInSettings,
  DEFAULT_SIGN_IN_SCOPES,
} from "./config.js";
export { browserConfig, type BrowserConfig } from "./browser-config.js";
export {
  startConsoleServer,
  ConsoleNotBuiltError,
  type ConsoleServerOptions,
  type RunningConsole,
} from "./server.js";
export {
  buildConsole,
  consoleBuildState,
  ensureConsoleBuilt,
  distDirOf,
  ConsoleBuildError,
  type ConsoleBuildState,
} from "./build.js";
