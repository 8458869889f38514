import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { freePort } from "./free-port";
import { waitFor } from "./wait-for";

/** Debian's PostgreSQL server programs (the newest installed major version). */
function binDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => join(root, v, "bin")).find((dir) => existsSync(join(dir, "postgres")));
  if (!found) throw new Error("no PostgreSQL server under /usr/lib/postgresql (Debian package postgresql)");
  return found;
}

/** The `postgres` system user: PostgreSQL refuses to run as root. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
  return { uid, gid };
}

/**
 * A throw-away PostgreSQL cluster of its own (initdb in a temporary folder, trust auth, a free port
 * on 127.0.0.1), for tests that stop the database and start it again — never the machine's shared
 * one. {@link stop} is an outage (fast shutdown: connections are cut), {@link restart} brings it back
 * on the same port with the same data; {@link destroy} removes it.
 */
export class PostgresServerProcess {
  private child: ChildProcess | undefined;

  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
    private readonly user: { uid: number; gid: number } | undefined,
    private readonly settings: Readonly<Record<string, string>>,
  ) {}

  /** `postgres://postgres@127.0.0.1:<port>/<database>`. */
  url(database = "postgres"): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /**
   * `settings`: server settings (`-c name=value`) over this class's own (`fsync=off`,
   * `max_connections=200`), e.g. `{ fsync: "on", shared_preload_libraries: "pg_stat_statements" }`.
   */
  static async start(settings: Readonly<Record<string, string>> = {}): Promise<PostgresServerProcess> {
    const bin = binDir();
    const user = postgresUser();
    const dir = mkdtempSync(join(tmpdir(), "pg-test-"));
    if (user) chownSync(dir, user.uid, user.gid);
    const data = join(dir, "data");
    execFileSync(
      join(bin, "initdb"),
      ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"],
      {
        stdio: "ignore",
        ...(user ?? {}),
      },
    );
    const server = new PostgresServerProcess(bin, dir, await freePort(), user, settings);
    await server.restart();
    return server;
  }

  /** Starts the server on its port; resolves once it accepts connections. */
  async restart(): Promise<void> {
    if (this.child) throw new Error(`postgres on port ${this.port} is already running`);
    this.child = spawn(
      join(this.bin, "postgres"),
      [
        "-D",
        join(this.dir, "data"),
        "-p",
        String(this.port),
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        `unix_socket_directories=${this.dir}`,
        ...Object.entries({ fsync: "off", max_connections: "200", ...this.settings }).flatMap(
          ([name, value]) => ["-c", `${name}=${value}`],
        ),
      ],
      { stdio: "ignore", ...(this.user ?? {}) },
    );
    await waitFor(
      `postgres on port ${this.port} to accept connections`,
      async () => {
        const client = new Client({ connectionString: this.url(), connectionTimeoutMillis: 1_000 });
        try {
          await client.connect();
          await client.query("SELECT 1");
          return true;
        } catch {
          return undefined;
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  }

  /** Stops the server at once (SIGINT: fast shutdown, every connection cut) and waits until it is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, "exit");
      child.kill("SIGINT");
      await exited;
    }
  }

  /** Creates database `name`. */
  async createDatabase(name: string): Promise<string> {
    const client = new Client({ connectionString: this.url() });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE "${name}"`);
    } finally {
      await client.end();
    }
    return this.url(name);
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
