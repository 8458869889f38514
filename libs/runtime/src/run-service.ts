import { ConfigError, loadConfig, type ServiceConfig, type ServiceName } from "./config.js";
import { loadDotEnv } from "./dotenv.js";
import { createLogger, type Logger } from "./logger.js";
import { onShutdown } from "./shutdown.js";
import { startTracing } from "./tracing/sdk.js";

/** A started service: how to stop it gracefully. */
export interface StartedService {
  stop(): Promise<void>;
}

/**
 * The whole of a service's `main.ts`: reads `.env` and the environment with `load` (the common
 * `loadConfig`, or the service's own with its section; exit 2 with every problem on bad config),
 * starts the trace SDK when the `OTEL_*` variables ask for it (docs/observability.md), starts the
 * service, and stops both gracefully on SIGTERM/SIGINT (exit 1 if it cannot start).
 */
export function runService<C extends ServiceConfig = ServiceConfig>(
  name: ServiceName,
  start: (config: C, logger: Logger) => Promise<StartedService>,
  load: (env: NodeJS.ProcessEnv) => C = (env) => loadConfig(name, env) as C,
): void {
  loadDotEnv();
  let config: C;
  try {
    config = load(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${name}: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger({ service: name, level: config.logLevel, format: config.logFormat });
  startTracing(name)
    .then(async (tracing) => {
      if (tracing.enabled) logger.info("tracing: exporting spans over OTLP");
      const service = await start(config, logger);
      onShutdown(logger, async () => {
        await service.stop();
        await tracing.shutdown();
      });
    })
    .catch((err: unknown) => {
      logger.fatal({ err }, `${name} failed to start`);
      process.exit(1);
    });
}
