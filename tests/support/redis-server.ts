import { execFile, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "./free-port";
import { waitFor } from "./wait-for";

const run = promisify(execFile);

/**
 * A throw-away `redis-server` child on a fixed port, for tests that kill Redis and bring it back.
 * No persistence, and its own empty working directory, so a restart starts empty. `redis-cli` runs
 * commands against it. Call {@link stop} when done.
 */
export class RedisServerProcess {
  private child: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), "redis-test-"));

  private constructor(
    readonly port: number,
    private readonly extraArgs: readonly string[] = [],
  ) {}

  /** `redis://127.0.0.1:<port>`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /**
   * Starts redis-server on `port` (a free one by default) and waits until it answers PING.
   * `extraArgs` are added to its command line (e.g. `--replicaof 127.0.0.1 6379`).
   */
  static async start(port?: number, extraArgs: readonly string[] = []): Promise<RedisServerProcess> {
    await requireBinary("redis-server");
    await requireBinary("redis-cli");
    const server = new RedisServerProcess(port ?? (await freePort()), extraArgs);
    await server.restart();
    return server;
  }

  /** (Re)starts the server on the same port; resolves once it answers PING. */
  async restart(): Promise<void> {
    if (this.child) throw new Error(`redis-server on port ${this.port} is already running`);
    const child = spawn(
      "redis-server",
      [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        this.dir,
        ...this.extraArgs,
      ],
      { stdio: "ignore" },
    );
    this.child = child;
    let spawnError: Error | undefined;
    child.once("error", (err) => (spawnError = err));
    child.once("exit", () => {
      if (this.child === child) this.child = undefined;
    });
    // Ask for the process id, so another Redis already on this port cannot pass for ours.
    await waitFor(`redis-server (pid ${child.pid}) to answer on port ${this.port}`, async () => {
      if (spawnError) throw spawnError;
      if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
      const info = await this.command("INFO", "server");
      return info.includes(`process_id:${child.pid}`) ? true : undefined;
    });
  }

  /** Kills the server with SIGKILL (no shutdown, no save) and waits for it to exit. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, "exit");
      child.kill("SIGKILL");
      await exited;
    }
  }

  /** Kills the server and removes its working directory. */
  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Runs one command through redis-cli; returns its raw output, trimmed. */
  async command(...args: string[]): Promise<string> {
    const { stdout } = await run("redis-cli", ["-h", "127.0.0.1", "-p", String(this.port), ...args], {
      timeout: 5_000,
    });
    return stdout.trim();
  }

  /** Keys matching a glob pattern (SCAN, not KEYS). */
  async keys(pattern: string): Promise<string[]> {
    const out = await this.command("--scan", "--pattern", pattern);
    return out === "" ? [] : out.split("\n");
  }
}

async function requireBinary(name: string): Promise<void> {
  try {
    await run(name, ["--version"], { timeout: 5_000 });
  } catch (err) {
    throw new Error(
      `${name} is needed by this test but could not be run (${(err as Error).message}); install redis-server (apt-get install redis-server)`,
    );
  }
}
