import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeRedis, createRedis } from "@mcp/coordination";
import { createLogger } from "@mcp/runtime";
import type { Redis } from "ioredis";
import { freePort } from "../support/free-port";
import { RedisServerProcess } from "../support/redis-server";
import { waitFor } from "../support/wait-for";

/**
 * REDIS_URL through Sentinel (`redis+sentinel://host:port/<master>`), against a real master, replica
 * and Sentinel started here (redis-server in sentinel mode): the client finds the master by asking
 * the Sentinel, and after a failover writes reach the new master.
 */
jest.setTimeout(90_000);

class SentinelProcess {
  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {}

  static async start(masterPort: number): Promise<SentinelProcess> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), "sentinel-test-"));
    const conf = join(dir, "sentinel.conf");
    writeFileSync(
      conf,
      [
        `port ${port}`,
        "bind 127.0.0.1",
        `dir ${dir}`,
        `sentinel monitor platform 127.0.0.1 ${masterPort} 1`,
        "sentinel down-after-milliseconds platform 1000",
        "sentinel failover-timeout platform 5000",
        "",
      ].join("\n"),
    );
    const child = spawn("redis-server", [conf, "--sentinel"], { stdio: "ignore" });
    const sentinel = new SentinelProcess(port, child, dir);
    await waitFor("the sentinel to know the master", async () => {
      if (child.exitCode !== null) throw new Error(`sentinel exited with ${child.exitCode}`);
      return (await sentinel.masterPort()) === masterPort ? true : undefined;
    });
    return sentinel;
  }

  async masterPort(): Promise<number | undefined> {
    const probe = new RedisServerProbe(this.port);
    const reply = await probe.command("SENTINEL", "get-master-addr-by-name", "platform");
    const port = Number(reply.split("\n")[1]);
    return Number.isInteger(port) && port > 0 ? port : undefined;
  }

  async command(...args: string[]): Promise<string> {
    return new RedisServerProbe(this.port).command(...args);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = once(this.child, "exit");
      this.child.kill("SIGKILL");
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** redis-cli against a port. */
class RedisServerProbe {
  constructor(private readonly port: number) {}
  async command(...args: string[]): Promise<string> {
    const { execFile } = await import("node:child_process");
    const { promisify } = await import("node:util");
    const { stdout } = await promisify(execFile)("redis-cli", ["-p", String(this.port), ...args], {
      timeout: 5_000,
    });
    return stdout.trim();
  }
}

describe("REDIS_URL through Sentinel", () => {
  let master: RedisServerProcess;
  let replica: RedisServerProcess;
  let sentinel: SentinelProcess;
  let client: Redis | undefined;

  beforeAll(async () => {
    master = await RedisServerProcess.start();
    replica = await RedisServerProcess.start(undefined, ["--replicaof", "127.0.0.1", String(master.port)]);
    await waitFor("the replica to sync", async () =>
      (await replica.command("INFO", "replication")).includes("master_link_status:up") ? true : undefined,
    );
    sentinel = await SentinelProcess.start(master.port);
  });

  afterAll(async () => {
    if (client) await closeRedis(client);
    await sentinel?.stop();
    await replica?.stop();
    await master?.stop();
  });

  it("finds the master through the Sentinel, and the new master after a failover", async () => {
    client = createRedis({
      url: `redis+sentinel://127.0.0.1:${sentinel.port}/platform`,
      logger: createLogger({ service: "test", level: "silent" }),
      name: "sentinel-test",
    });
    await waitFor("the client to be ready", async () => (client!.status === "ready" ? true : undefined));
    await client.set("sentinel-test:before", "1");
    expect(await master.command("GET", "sentinel-test:before")).toBe("1");

    // A Sentinel learns of replicas from the master's INFO, which it polls: until it has, a failover
    // is refused (NOGOODSLAVE). Ask again until it is accepted.
    await waitFor(
      "the sentinel to accept a failover",
      async () => ((await sentinel.command("SENTINEL", "FAILOVER", "platform")) === "OK" ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    await waitFor(
      "the sentinel to promote the replica",
      async () => ((await sentinel.masterPort()) === replica.port ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    // The old master is demoted to a replica: a write that lands must have gone to the new master.
    await waitFor(
      "a write to reach the new master",
      async () => {
        await client!.set("sentinel-test:after", "2");
        return (await replica.command("GET", "sentinel-test:after")) === "2" ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(await replica.command("ROLE")).toMatch(/^master/);
  });
});
