import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "@mcp/runtime";

/** `missing`: no dist/index.html; `stale`: a source file is newer than it; `fresh`: neither. */
export type ConsoleBuildState = "missing" | "stale" | "fresh";

/** Folders of the console workspace that are not inputs of its build. */
const NOT_SOURCES = new Set(["dist", "node_modules", "coverage"]);
const KEPT_OUTPUT_LINES = 40;
const BUILD_TIMEOUT_MS = 5 * 60_000;

/** Thrown when the console's build script fails; the message ends with its last output lines. */
export class ConsoleBuildError extends Error {
  constructor(
    message: string,
    readonly output: readonly string[],
  ) {
    super(output.length ? `${message}\n  ${output.join("\n  ")}` : message);
    this.name = "ConsoleBuildError";
  }
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

function withoutColor(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { FORCE_COLOR: _force, ...rest } = env;
  return rest;
}

export const distDirOf = (consoleDir: string) => join(consoleDir, "dist");

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || NOT_SOURCES.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.isFile()) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Whether `<consoleDir>/dist` exists and is newer than every file of the workspace (dist and node_modules aside). */
export function consoleBuildState(consoleDir: string): ConsoleBuildState {
  const index = join(distDirOf(consoleDir), "index.html");
  if (!existsSync(index)) return "missing";
  return newestSource(consoleDir) > statSync(index).mtimeMs ? "stale" : "fresh";
}

/**
 * Runs the console workspace's build script (`npm run build`, i.e. `vite build`, in `consoleDir`)
 * and waits for it. Throws {@link ConsoleBuildError} with the script's last output lines when it
 * fails, times out or is aborted through `signal` (which stops the whole build process group).
 */
export async function buildConsole(
  consoleDir: string,
  options: { logger: Logger; signal?: AbortSignal; timeoutMs?: number },
): Promise<void> {
  const { logger, signal } = options;
  if (!existsSync(join(consoleDir, "package.json")))
    throw new ConsoleBuildError(`cannot build the console: ${consoleDir} has no package.json`, []);
  if (signal?.aborted) throw new ConsoleBuildError("console build cancelled", []);
  const started = Date.now();
  logger.info({ consoleDir }, "building the console (npm run build: vite build); it is served once built");
  const child = spawn("npm", ["run", "build"], {
    cwd: consoleDir,
    env: { ...withoutColor(process.env), NODE_ENV: "production", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group: stopping it stops vite too
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(
      ...chunk
        .toString()
        .replace(ANSI, "")
        .split("\n")
        .filter((line) => line.trim() !== "" && !line.startsWith("npm warn")),
    );
    output.splice(0, Math.max(0, output.length - KEPT_OUTPUT_LINES));
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const stopGroup = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
  };
  let why: string | undefined;
  const timer = setTimeout(() => {
    why = `timed out after ${(options.timeoutMs ?? BUILD_TIMEOUT_MS) / 1000} s`;
    stopGroup();
  }, options.timeoutMs ?? BUILD_TIMEOUT_MS);
  const onAbort = () => {
    why = "cancelled";
    stopGroup();
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const exit = await new Promise<{ code: number | null; error?: Error }>((done) => {
      child.once("error", (error) => done({ code: null, error }));
      child.once("close", (code) => done({ code }));
    });
    if (exit.error) throw new ConsoleBuildError(`could not run npm run build: ${exit.error.message}`, output);
    if (why) throw new ConsoleBuildError(`console build ${why}`, output);
    if (exit.code !== 0) throw new ConsoleBuildError(`console build failed (exit code ${exit.code})`, output);
    if (!existsSync(join(distDirOf(consoleDir), "index.html")))
      throw new ConsoleBuildError(
        `console build wrote no ${join(distDirOf(consoleDir), "index.html")}`,
        output,
      );
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
  logger.info({ consoleDir, ms: Date.now() - started }, "console built");
}

/**
 * Builds the console when its build is missing (and, with `rebuildStale`, when it is older than its
 * sources). Resolves to what it found or did; a stale build that is kept is logged as a warning.
 */
export async function ensureConsoleBuilt(
  consoleDir: string,
  options: { logger: Logger; signal?: AbortSignal; rebuildStale?: boolean },
): Promise<"built" | ConsoleBuildState> {
  const state = consoleBuildState(consoleDir);
  if (state === "fresh") return state;
  if (state === "stale" && !options.rebuildStale) {
    options.logger.warn(
      { consoleDir },
      "the console build is older than its sources; serving it anyway (npm run build -w console rebuilds it)",
    );
    return state;
  }
  await buildConsole(consoleDir, options);
  return "built";
}
