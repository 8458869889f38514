/** `npm start`'s program (scripts/start.ts) as a child process, for the tests in tests/start. */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { freePort } from "./free-port";
import { waitFor } from "./wait-for";

const ROOT = resolve(__dirname, "../..");
const BANNER_TIMEOUT_MS = 90_000;
const EXIT_TIMEOUT_MS = 20_000;

/** PIDs of processes whose command line mentions `text` (e.g. a postgres serving a data folder). */
export function processesMentioning(text: string): number[] {
  try {
    return execFileSync("pgrep", ["-f", text], { encoding: "utf8" }).split("\n").filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

export interface Launcher {
  readonly child: ChildProcess;
  readonly output: string[];
  readonly exited: Promise<number | null>;
  readonly urls: { registry: string; workflows: string; executor: string };
  /** Where the banner says the web console is (`http://127.0.0.1:<port>`), if it is served. */
  readonly consoleUrl: string | undefined;
}

/**
 * Starts the launcher with none of the machine's database, Redis or service settings, plus `env`
 * (e.g. `MCP_DATA_DIR`, or `DATABASE_URL` and `REDIS_URL`), on free service ports and a free
 * console port (`CONSOLE_PORT=0` unless `env` says otherwise). Resolves once the banner is printed.
 */
export async function startLauncher(env: Record<string, string>): Promise<Launcher> {
  const ports = { registry: await freePort(), workflows: await freePort(), executor: await freePort() };
  const inherited: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(inherited))
    if (/^(DATABASE_URL|POSTGRES_|REDIS_|REGISTRY_URL|WORKFLOWS_URL|PORT$|CONSOLE_)/.test(name))
      delete inherited[name];
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: ROOT,
    env: {
      ...inherited,
      REGISTRY_PORT: String(ports.registry),
      WORKFLOWS_PORT: String(ports.workflows),
      EXECUTOR_PORT: String(ports.executor),
      CONSOLE_PORT: "0",
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`no banner after ${BANNER_TIMEOUT_MS / 1000} s:\n${output.join("")}`)),
      BANNER_TIMEOUT_MS,
    );
    const collect = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (/MCP platform is running[^]*\n {2}Redis /.test(output.join(""))) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`npm start exited (${code}) before the banner:\n${output.join("")}`));
    });
  });
  const url = (port: number) => `http://127.0.0.1:${port}`;
  return {
    child,
    output,
    exited,
    urls: { registry: url(ports.registry), workflows: url(ports.workflows), executor: url(ports.executor) },
    consoleUrl: /\n {2}console +(http:\/\/127\.0\.0\.1:\d+)\//.exec(output.join(""))?.[1],
  };
}

/**
 * SIGINT, then the exit code (or a failure after 20 s). `asTerminal`: twice at once, as one Ctrl-C
 * reaches `npm start` (from the terminal, and relayed by tsx).
 */
export async function interrupt(
  launcher: Launcher,
  options: { asTerminal?: boolean } = {},
): Promise<number | null> {
  launcher.child.kill("SIGINT");
  if (options.asTerminal) {
    // the relayed copy arrives once the first is being handled (two at once would be merged into one)
    await waitFor("the launcher stopping", () =>
      Promise.resolve(launcher.output.join("").includes("SIGINT: stopping") ? true : undefined),
    );
    launcher.child.kill("SIGINT");
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(
      () => fail(new Error(`still running ${EXIT_TIMEOUT_MS / 1000} s after SIGINT`)),
      EXIT_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([launcher.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Stops what a failed test left running: SIGTERM (the launcher stops its service processes and
 * PostgreSQL), then SIGKILL for a launcher still running after 20 s.
 */
export async function stopLaunchers(launchers: readonly Launcher[]): Promise<void> {
  const running = launchers.filter((l) => l.child.exitCode === null && l.child.signalCode === null);
  for (const l of running) l.child.kill("SIGTERM");
  await Promise.all(
    running.map(async (l) => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([l.exited, new Promise((done) => (timer = setTimeout(done, EXIT_TIMEOUT_MS)))]);
      clearTimeout(timer);
      if (l.child.exitCode === null && l.child.signalCode === null) l.child.kill("SIGKILL");
    }),
  );
}
