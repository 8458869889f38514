import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_LIMITS } from "./limits.js";
import { Sandbox } from "./sandbox.js";
import { sandboxEnv } from "./sandbox-env.js";
import { startOutsideHost, type OutsideHost } from "./testing.js";

jest.setTimeout(60_000);

/** A python snippet that connects to each (host, port) and prints `host:port ok|errno`. */
const probe = (targets: readonly (readonly [string, number])[]) => `
import socket
for host, port in ${JSON.stringify(targets)}:
    try:
        s = socket.create_connection((host, port), timeout=3)
        print(f"{host}:{port}", s.recv(32).decode() or "connected")
    except OSError as e:
        print(f"{host}:{port}", "errno", e.errno)
`;

describe("Sandbox egress", () => {
  let outside: OutsideHost;
  let sandbox: Sandbox;
  let dir: string;
  let hostServer: Server;
  let hostPort: number;
  beforeAll(async () => {
    outside = await startOutsideHost();
    sandbox = await Sandbox.open({
      mode: "bubblewrap",
      readOnlyPaths: [],
      egressDeny: [],
      platformUrls: ["postgres://127.0.0.1:5432/test"],
    });
    expect(sandbox.status.egress).toEqual({ available: true });
    hostServer = createServer((socket) => socket.end("host-service"));
    await new Promise<void>((resolve) => hostServer.listen(0, "0.0.0.0", resolve));
    hostPort = (hostServer.address() as { port: number }).port;
  });
  afterAll(async () => {
    outside?.close();
    hostServer?.close();
    await sandbox?.close();
  });
  beforeEach(async () => {
    dir = await sandbox.workDir(await mkdtemp(join(tmpdir(), "egress-spec-")));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const run = async (network: "none" | "egress", targets: readonly (readonly [string, number])[]) => {
    await writeFile(join(dir, "probe.py"), probe(targets));
    const outcome = await sandbox.run({
      command: "python3",
      args: [join(dir, "probe.py")],
      workDir: dir,
      env: sandboxEnv({ home: dir }),
      network,
      limits: DEFAULT_LIMITS,
      timeoutMs: 30_000,
    });
    expect(outcome.setupError).toBeUndefined();
    expect(outcome.exitCode).toBe(0);
    return outcome.stdout.text();
  };

  it("reaches an outside host only with egress", async () => {
    const target = [outside.address, outside.port] as const;
    expect(await run("none", [target])).toMatch(/errno \d+/);
    expect(await run("egress", [target])).toBe(`${outside.address}:${outside.port} outside-ok\n`);
  });

  it("never reaches this host (by any of its addresses or through the user-mode gateway), link-local or private ranges", async () => {
    const hostAddresses = Object.values(networkInterfaces())
      .flatMap((list) => list ?? [])
      .filter((a) => a.family === "IPv4" && !a.internal)
      .map((a) => a.address);
    expect(hostAddresses).toContain(outside.gateway);
    const targets = [
      ...hostAddresses.map((address) => [address, hostPort] as const),
      ["127.0.0.1", hostPort] as const,
      ["10.0.2.2", hostPort] as const,
      ["169.254.169.254", 80] as const,
      ["10.1.2.3", 5432] as const,
      ["192.168.1.1", 6379] as const,
    ];
    const lines = (await run("egress", targets)).trim().split("\n");
    expect(lines).toHaveLength(targets.length);
    for (const line of lines) expect(line).toMatch(/ errno \d+$/);
    expect(lines.join("\n")).not.toContain("host-service");
  });
});
