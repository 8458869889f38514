/**
 * `npm run start:console`: the web console alone (as in docker-compose.yml), serving `console/dist`
 * and `/config.json` on `CONSOLE_PORT` (default 8080). The browser calls the services at
 * `CONSOLE_REGISTRY_URL`, `CONSOLE_WORKFLOWS_URL` and `CONSOLE_EXECUTOR_URL` (default: the services'
 * default ports on the host the browser used). Builds the console first when `console/dist` is missing.
 * `npm start` serves the console itself; this is for running it on its own.
 */
import { resolve } from "node:path";
import {
  distDirOf,
  ensureConsoleBuilt,
  loadConsoleConfig,
  startConsoleServer,
  type ConsoleConfig,
} from "@mcp/console-server";
import { ConfigError, createLogger, DEFAULT_PORTS, loadDotEnv, onShutdown, type Logger } from "@mcp/runtime";
import { errorMessage } from "@mcp/errors";

const ROOT = resolve(__dirname, "..");

/** The console's settings; exits with code 2, naming every bad variable, when they are wrong. */
function readConfig(logger: Logger): ConsoleConfig {
  try {
    return loadConsoleConfig(process.env, {
      consoleDir: resolve(ROOT, "console"),
      registryUrl: `http://127.0.0.1:${DEFAULT_PORTS.registry}`,
      workflowsUrl: `http://127.0.0.1:${DEFAULT_PORTS.workflows}`,
      executorUrl: `http://127.0.0.1:${DEFAULT_PORTS.executor}`,
    });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    logger.fatal(err.message);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  loadDotEnv(resolve(ROOT, ".env"));
  const logger = createLogger({
    service: "console",
    level: process.env["LOG_LEVEL"]?.toLowerCase() || "info",
    format:
      process.env["LOG_FORMAT"] === "json" || process.env["LOG_FORMAT"] === "pretty"
        ? process.env["LOG_FORMAT"]
        : "auto",
  });
  const config = readConfig(logger);
  if (config.port === undefined) {
    logger.warn("CONSOLE_PORT=off: nothing to serve");
    return;
  }
  await ensureConsoleBuilt(config.consoleDir, { logger });
  const server = await startConsoleServer({
    host: config.host,
    port: config.port,
    distDir: distDirOf(config.consoleDir),
    services: config.services,
    signIn: config.signIn,
    traceUrl: config.traceUrl,
    logger,
  });
  onShutdown(logger, () => server.stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`console: ${errorMessage(err)}\n`);
  process.exit(1);
});
