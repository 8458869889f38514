/**
 * The web console's build for the suites that serve it (browser tests, `npm start`). Jest's
 * globalSetup (`tests/global-setup.cjs`) runs {@link buildConsoleForTests} once before any suite:
 * it builds `console/dist` when it is missing or older than the console's sources (CI starts from a
 * clean clone). A failed build does not stop the suites that do not need the console: the error is
 * handed on, and {@link requireConsoleBuild} fails the suites that do with it.
 */
import { resolve } from "node:path";
import { consoleBuildState, distDirOf, ensureConsoleBuilt } from "@mcp/console-server";
import { createLogger } from "@mcp/runtime";
import { errorMessage } from "@mcp/errors";

export const CONSOLE_DIR = resolve(__dirname, "../../console");
export const CONSOLE_DIST = distDirOf(CONSOLE_DIR);
const BUILD_ERROR_VARIABLE = "MCP_TEST_CONSOLE_BUILD_ERROR";

export async function buildConsoleForTests(): Promise<void> {
  const state = consoleBuildState(CONSOLE_DIR);
  if (state === "fresh") return;
  process.stderr.write(`\nconsole build ${state}: building ${CONSOLE_DIST} (npm run build -w console)\n`);
  const started = Date.now();
  try {
    await ensureConsoleBuilt(CONSOLE_DIR, {
      logger: createLogger({ service: "console", level: "silent" }),
      rebuildStale: true,
    });
    process.stderr.write(`console built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  } catch (err) {
    const message = errorMessage(err);
    process.env[BUILD_ERROR_VARIABLE] = message;
    process.stderr.write(`console build FAILED (the suites that need it will fail):\n${message}\n`);
  }
}

/** The folder of a current console build; throws (failing the suite) when the build failed or is missing. */
export function requireConsoleBuild(): string {
  const failure = process.env[BUILD_ERROR_VARIABLE];
  if (failure) throw new Error(`the console build failed in jest's globalSetup:\n${failure}`);
  const state = consoleBuildState(CONSOLE_DIR);
  if (state === "missing")
    throw new Error(
      `no console build in ${CONSOLE_DIST}: run npm run build -w console (jest's globalSetup does)`,
    );
  return CONSOLE_DIST;
}
