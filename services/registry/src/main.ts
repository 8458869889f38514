import { ConfigError, createLogger, loadConfig, loadDotEnv, onShutdown } from "@mcp/runtime";
import { startRegistry } from "./app.js";

loadDotEnv();
let config;
try {
  config = loadConfig("registry");
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`registry: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
const logger = createLogger({ service: "registry", level: config.logLevel });
startRegistry(config, logger).then(
  (app) => onShutdown(logger, () => app.stop()),
  (err: unknown) => {
    logger.fatal({ err }, "registry failed to start");
    process.exit(1);
  },
);
