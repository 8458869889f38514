import { ConfigError, loadConfig, type ServiceConfig, type ServiceName } from "./config.js";
import { loadDotEnv } from "./dotenv.js";
import { createLogger, type Logger } from "./logger.js";
import { onShutdown } from "./shutdown.js";

/** A started service: how to stop it gracefully. */
export interface StartedService {
  stop(): Promise<void>;
}

/**
 * The whole of a service's `main.ts`: reads `.env` and the environment (exit 2 with every problem on
 * bad config), starts the service, and stops it gracefully on SIGTERM/SIGINT (exit 1 if it cannot start).
 */
export function runService(
  name: ServiceName,
  start: (config: ServiceConfig, logger: Logger) => Promise<StartedService>,
): void {
  loadDotEnv();
  let config: ServiceConfig;
  try {
    config = loadConfig(name);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${name}: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger({ service: name, level: config.logLevel });
  start(config, logger).then(
    (service) => onShutdown(logger, () => service.stop()),
    (err: unknown) => {
      logger.fatal({ err }, `${name} failed to start`);
      process.exit(1);
    },
  );
}
