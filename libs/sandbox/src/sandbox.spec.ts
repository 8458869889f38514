import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DEFAULT_LIMITS } from "./limits.js";
import { Sandbox, SandboxUnavailableError, type SandboxedCommand } from "./sandbox.js";
import { sandboxEnv } from "./sandbox-env.js";
import { commandLineOf, eventually, processesWith } from "./testing.js";

jest.setTimeout(60_000);

/** Runs `code` with the sandbox's python3 and returns the outcome. */
async function python(sandbox: Sandbox, dir: string, code: string, extra: Partial<SandboxedCommand> = {}) {
  await writeFile(join(dir, "main.py"), code);
  return sandbox.run({
    command: "python3",
    args: [join(dir, "main.py")],
    workDir: dir,
    env: sandboxEnv({ home: dir }),
    network: "none",
    limits: { ...DEFAULT_LIMITS, ...(extra.limits ?? {}) },
    timeoutMs: 30_000,
    ...extra,
  });
}

describe("Sandbox (bubblewrap)", () => {
  let sandbox: Sandbox;
  let dir: string;
  beforeAll(async () => {
    sandbox = await Sandbox.open({
      mode: "bubblewrap",
      readOnlyPaths: [],
      egressDeny: [],
      platformUrls: ["postgres://127.0.0.1:5432/test"],
    });
    if (sandbox.status.mode !== "bubblewrap")
      throw new Error(`sandbox unavailable: ${sandbox.status.problem}`);
  });
  afterAll(() => sandbox.close());
  beforeEach(async () => {
    dir = await sandbox.workDir(await mkdtemp(join(tmpdir(), "sandbox-spec-")));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("runs as an unprivileged user inside and out, seeing only its own processes", async () => {
    const outcome = await python(
      sandbox,
      dir,
      `import os
print(os.getuid(), os.getgid(), sorted(int(p) for p in os.listdir("/proc") if p.isdigit()), os.uname().nodename)
open("out.txt", "w").write("written")
`,
    );
    expect(outcome.exitCode).toBe(0);
    const [uid, gid, ...rest] = outcome.stdout.text().trim().split(" ");
    expect([uid, gid]).toEqual(["65534", "65534"]);
    expect(rest.join(" ")).toMatch(/^\[1\] sandbox$/); // the command is its namespace's PID 1
    expect(await readFile(join(dir, "out.txt"), "utf8")).toBe("written");
  });

  it("shows nothing of the host's processes, secrets or files", async () => {
    process.env.SANDBOX_SPEC_SECRET = "do-not-leak";
    const outcome = await python(
      sandbox,
      dir,
      `import os, glob
found = []
for path in glob.glob("/proc/*/environ"):
    try:
        if b"SANDBOX_SPEC_SECRET" in open(path, "rb").read(): found.append(path)
    except OSError: pass
def readable(path):
    try:
        open(path, "rb").read(1); return True
    except OSError: return False
print("environ", found)
print("shadow", readable("/etc/shadow"), "root", os.path.exists("/root"), "work", os.path.exists("/work"), "home", os.path.exists("/home"))
print("env", sorted(os.environ))
`,
    );
    delete process.env.SANDBOX_SPEC_SECRET;
    expect(outcome.exitCode).toBe(0);
    const text = outcome.stdout.text();
    expect(text).toContain("environ []");
    expect(text).toContain("shadow False root False work False home False");
    expect(text).not.toContain("SANDBOX_SPEC_SECRET");
  });

  it("has no network: a connection to a port listening on the host's loopback fails", async () => {
    const server: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const outcome = await python(
        sandbox,
        dir,
        `import socket
try:
    socket.create_connection(("127.0.0.1", ${port}), timeout=3); print("connected")
except OSError as e: print("refused", e.errno)
`,
      );
      expect(outcome.stdout.text()).toMatch(/^refused \d+/);
    } finally {
      server.close();
    }
  });

  it("stops a fork bomb at its process limit well before the timeout, leaving nothing behind", async () => {
    const started = Date.now();
    const outcome = await python(
      sandbox,
      dir,
      `import os, time
print("bomb-${process.pid}", flush=True)
while True:
    try: os.fork()
    except OSError: time.sleep(0.001)
`,
      { limits: { ...DEFAULT_LIMITS, processes: 32 }, timeoutMs: 30_000 },
    );
    expect(outcome.processLimit).toBe(true);
    expect(outcome.timedOut).toBe(false);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await eventually(() => processesWith(join(dir, "main.py")).length === 0, 5_000)).toBe(true);
  });

  it("caps memory, file size and CPU time", async () => {
    const memory = await python(sandbox, dir, "x = bytearray(256 * 1024 * 1024)", {
      limits: { ...DEFAULT_LIMITS, memoryBytes: 128 * 1024 * 1024 },
    });
    expect(memory.exitCode).not.toBe(0);
    expect(memory.stderr.text()).toContain("MemoryError");

    const file = await python(sandbox, dir, "open('big', 'wb').write(b'x' * 200000)", {
      limits: { ...DEFAULT_LIMITS, fileSizeBytes: 100_000 },
    });
    expect(file.exitCode).not.toBe(0);
    expect(file.stderr.text()).toMatch(/File too large/);

    // as its namespace's PID 1, a process without a SIGXCPU handler runs on to the hard limit (SIGKILL)
    const cpu = await python(sandbox, dir, "while True: pass", {
      limits: { ...DEFAULT_LIMITS, cpuSeconds: 1 },
    });
    expect(cpu.signal).toBe("SIGKILL");
    expect(cpu.timedOut).toBe(false);
  });

  it("kills everything on timeout, including a process in its own session", async () => {
    // a duration of its own: another checkout's tests may run this one at the same time on the machine
    const seconds = `300.${Math.floor(Math.random() * 1e9)}`;
    const outcome = await python(
      sandbox,
      dir,
      `import os, subprocess, time
subprocess.Popen(["sleep", "${seconds}"], start_new_session=True)
time.sleep(300)
`,
      { timeoutMs: 1_500 },
    );
    expect(outcome.timedOut).toBe(true);
    expect(await eventually(() => processesWith(`sleep ${seconds}`).length === 0, 5_000)).toBe(true);
  });

  it("reports bubblewrap's own failure to build the sandbox", async () => {
    const outcome = await python(sandbox, dir, "print('hi')", { readOnlyPaths: ["/no/such/folder"] });
    expect(outcome.setupError).toMatch(/bubblewrap could not build the sandbox: .*\/no\/such\/folder/);
  });

  it("does not take a command's own `bwrap: ` line and exit 1 for a set-up failure (it ran once)", async () => {
    const outcome = await python(
      sandbox,
      dir,
      `import sys
open("ran", "a").write("x")
print("bwrap: pretending", file=sys.stderr)
sys.exit(1)`,
    );
    expect(outcome.setupError).toBeUndefined();
    expect(outcome.exitCode).toBe(1);
    expect(await readFile(join(dir, "ran"), "utf8")).toBe("x");
  });

  it("binds extra read-only paths read-only", async () => {
    const shared = await mkdtemp(join(tmpdir(), "sandbox-spec-ro-"));
    execFileSync("chmod", ["755", shared]);
    await writeFile(join(shared, "data.txt"), "shared");
    try {
      const outcome = await python(
        sandbox,
        dir,
        `print(open("${shared}/data.txt").read())
try:
    open("${shared}/new.txt", "w")
except OSError as e: print("denied", e.errno)
`,
        { readOnlyPaths: [shared] },
      );
      expect(outcome.stdout.text()).toBe("shared\ndenied 30\n");
    } finally {
      await rm(shared, { recursive: true, force: true });
    }
  });
});

describe("Sandbox.close", () => {
  it("ends what still runs in it, removes its folder, ends its watchdog, and starts nothing after", async () => {
    const sandbox = await Sandbox.open({
      mode: "bubblewrap",
      readOnlyPaths: [],
      egressDeny: [],
      platformUrls: [],
    });
    expect(sandbox.status.mode).toBe("bubblewrap");
    // a duration of its own, so that its process is known by its command line
    const seconds = `117.${1000 + Math.floor(Math.random() * 9000)}`;
    const sleep = (dir: string): SandboxedCommand => ({
      command: "sleep",
      args: [seconds],
      workDir: dir,
      env: sandboxEnv({ home: dir }),
      network: "none",
      limits: DEFAULT_LIMITS,
      timeoutMs: 180_000,
    });
    let folder = "";
    // a command left running (as a step abandoned at a stop would be), its work dir in the sandbox's folder
    const left = await sandbox.withWorkDir("spec-", async (dir) => {
      folder = dirname(dir);
      const started = await sandbox.start(sleep(dir));
      // `start` resolves once bubblewrap is spawned, and the work dir goes when this returns: wait
      // until the command itself runs (bubblewrap has bound the dir by then), or bubblewrap may not
      // find it; bubblewrap's own command line ends with the command's, so only an exact one counts
      const command = `sleep ${seconds}`;
      const running = () => processesWith(command).some((pid) => commandLineOf(pid) === command);
      expect(await eventually(running, 10_000)).toBe(true);
      return started;
    });
    // the sandbox's processes (bubblewrap's, naming its /etc files) and its watchdog (naming the folder)
    expect(processesWith(folder).length).toBeGreaterThanOrEqual(2);

    await sandbox.close();
    expect(existsSync(folder)).toBe(false);
    expect(processesWith(folder)).toEqual([]);
    const ended = await left.done;
    expect(ended.exitCode === 0 && ended.signal === null).toBe(false);
    await expect(sandbox.start(sleep(tmpdir()))).rejects.toThrow(SandboxUnavailableError);
    await expect(sandbox.start(sleep(tmpdir()))).rejects.toThrow("the sandbox is closed");
    await expect(sandbox.withWorkDir("spec-", () => Promise.resolve())).rejects.toThrow(
      SandboxUnavailableError,
    );
    await sandbox.close(); // again: nothing more to do
  });
});

describe("Sandbox status", () => {
  it("is unavailable, naming what is missing, when bubblewrap is not installed", async () => {
    const sandbox = await Sandbox.open({
      mode: "bubblewrap",
      readOnlyPaths: [],
      egressDeny: [],
      platformUrls: [],
      programFolders: ["/nonexistent"],
    });
    expect(sandbox.status).toMatchObject({ mode: "unavailable" });
    expect(sandbox.status.problem).toMatch(/bubblewrap \(`bwrap`; Debian package `bubblewrap`\).*not found/);
    expect(sandbox.status.problem).toMatch(/SANDBOX=off/);
  });

  it("reports off as off, and runs commands without isolation", async () => {
    const sandbox = await Sandbox.open({ mode: "off", readOnlyPaths: [], egressDeny: [], platformUrls: [] });
    expect(sandbox.status).toMatchObject({ mode: "off" });
    const outcome = await sandbox.run({
      command: "sh",
      args: ["-c", "id -u"],
      workDir: tmpdir(),
      env: { PATH: process.env.PATH ?? "" },
      network: "none",
      limits: DEFAULT_LIMITS,
      timeoutMs: 10_000,
    });
    expect(outcome.stdout.text().trim()).toBe(String(process.getuid?.()));
  });

  it("refuses to start a command when unavailable", async () => {
    const sandbox = await Sandbox.open({
      mode: "bubblewrap",
      readOnlyPaths: ["/no/such/folder/for/the/trial"],
      egressDeny: [],
      platformUrls: [],
    });
    expect(sandbox.status.mode).toBe("unavailable");
    expect(sandbox.status.problem).toMatch(/\/no\/such\/folder\/for\/the\/trial.*SANDBOX=off/);
    await expect(
      sandbox.run({
        command: "true",
        args: [],
        workDir: tmpdir(),
        env: {},
        network: "none",
        limits: DEFAULT_LIMITS,
        timeoutMs: 1_000,
      }),
    ).rejects.toThrow(SandboxUnavailableError);
  });
});
