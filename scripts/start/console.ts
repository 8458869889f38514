/**
 * The web console in `npm start`: served by the launcher's own process (in both modes) on
 * `CONSOLE_PORT`, with a `/config.json` pointing at the services the launcher started. A missing
 * build (`console/dist`) is built once, while the services start; a failed build, or a console port
 * that is taken, is reported and the services run without the console.
 */
import { join } from "node:path";
import {
  consoleBuildState,
  distDirOf,
  ensureConsoleBuilt,
  loadConsoleConfig,
  startConsoleServer,
  type ConsoleConfig,
} from "@mcp/console-server";
import { ConfigError, type Logger } from "@mcp/runtime";
import type { BannerFacts } from "./banner.js";
import { LaunchError, serviceUrl } from "./plan.js";
import type { Shutdown } from "./shutdown.js";
import { errorMessage } from "@mcp/errors";

/** Reads the console's settings; refuses bad ones like the services do (exit code 2). */
export function consoleConfig(root: string, env: NodeJS.ProcessEnv): ConsoleConfig {
  try {
    return loadConsoleConfig(env, {
      consoleDir: join(root, "console"),
      registryUrl: serviceUrl("registry", env),
      workflowsUrl: serviceUrl("workflows", env),
      executorUrl: serviceUrl("executor", env),
    });
  } catch (err) {
    if (err instanceof ConfigError) throw new LaunchError(err.message, 2);
    throw err;
  }
}

const firstLine = (err: unknown) => errorMessage(err).split("\n")[0] ?? "";

/**
 * Makes sure there is a build to serve, building it when missing. Resolves to undefined when there
 * is one, or to why there is none (the error is logged in full). Never rejects.
 */
export async function prepareConsole(
  config: ConsoleConfig,
  logger: Logger,
  say: (message: string) => void,
  signal: AbortSignal,
): Promise<string | undefined> {
  if (config.port === undefined) return undefined;
  try {
    if (consoleBuildState(config.consoleDir) === "missing")
      say(`no console build in ${distDirOf(config.consoleDir)}: building it (npm run build -w console)`);
    const result = await ensureConsoleBuilt(config.consoleDir, { logger, signal });
    if (result === "built") say("console built");
    return undefined;
  } catch (err) {
    if (signal.aborted) return "start-up was cancelled";
    logger.error({ err, consoleDir: config.consoleDir }, "the console could not be built");
    say(`the console could not be built; the services run without it. ${errorMessage(err)}`);
    return "its build failed (see the log above); fix it, then npm run build -w console and restart";
  }
}

/** Serves the console once `prepared` says there is a build; stopped with the rest on shutdown. */
export async function serveConsole(
  config: ConsoleConfig,
  prepared: Promise<string | undefined>,
  logger: Logger,
  say: (message: string) => void,
  shutdown: Shutdown,
): Promise<BannerFacts["console"]> {
  if (config.port === undefined) return { kind: "off" };
  const problem = await prepared;
  if (problem) return { kind: "unavailable", reason: problem };
  if (shutdown.stopping) return { kind: "unavailable", reason: "stopping" };
  try {
    const server = await startConsoleServer({
      host: config.host,
      port: config.port,
      distDir: distDirOf(config.consoleDir),
      services: config.services,
      signIn: config.signIn,
      traceUrl: config.traceUrl,
      logger,
    });
    shutdown.add({ name: "console", stop: () => server.stop() });
    return { kind: "serving", url: server.url };
  } catch (err) {
    const inUse = err instanceof Error && "code" in err && err.code === "EADDRINUSE";
    const reason = inUse ? `port ${config.port} is in use (set CONSOLE_PORT)` : firstLine(err);
    logger.error({ err }, "the console could not start");
    say(`the console could not start; the services run without it: ${reason}`);
    return { kind: "unavailable", reason };
  }
}
