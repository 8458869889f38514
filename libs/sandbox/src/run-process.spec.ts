import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startProcess, type ProcessSpec } from "./run-process.js";
import { sandboxEnv } from "./sandbox-env.js";
import { eventually, processIsGone } from "./testing.js";

/** Starts `sleep 300` ignoring SIGTERM (inherited over exec), prints its pid, then does `then`. */
const spawnStubbornGrandchild = (then: string) => `
import signal, subprocess, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
child = subprocess.Popen(["sleep", "300"])
print(child.pid, flush=True)
${then}
`;

describe("startProcess", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "sandbox-spec-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const python = async (code: string, extra: Partial<ProcessSpec> = {}) =>
    (
      await startProcess({
        command: "python3",
        args: ["-c", code],
        cwd: dir,
        env: sandboxEnv({ home: dir, basePath: process.env.PATH }),
        timeoutMs: 20_000,
        ...extra,
      })
    ).done;

  it("reports the exit code and captures both streams", async () => {
    const outcome = await python("import sys; print('out'); print('err', file=sys.stderr); sys.exit(3)");
    expect(outcome).toMatchObject({ exitCode: 3, signal: null, timedOut: false, aborted: false });
    expect(outcome.stdout.text()).toBe("out\n");
    expect(outcome.stderr.text()).toBe("err\n");
  });

  it("kills the whole process group on timeout, including a grandchild that ignores SIGTERM", async () => {
    const started = Date.now();
    // long enough for python to ignore SIGTERM before the timeout, even on a loaded machine
    const outcome = await python(spawnStubbornGrandchild("time.sleep(300)"), {
      timeoutMs: 4_000,
      killGraceMs: 300,
    });
    expect(outcome.timedOut).toBe(true);
    expect(outcome.signal).toBe("SIGKILL");
    expect(Date.now() - started).toBeLessThan(10_000);
    const grandchild = Number(outcome.stdout.text().trim());
    expect(grandchild).toBeGreaterThan(0);
    expect(await eventually(() => processIsGone(grandchild), 3_000)).toBe(true);
  });

  it("kills the group when the signal aborts", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const started = Date.now();
    const outcome = await python(spawnStubbornGrandchild("time.sleep(300)"), { signal: controller.signal });
    expect(outcome.aborted).toBe(true);
    // abort at 0.5 s, SIGKILL after the 0.5 s grace; the rest is slack for a loaded machine
    expect(Date.now() - started).toBeLessThan(5_000);
    const grandchild = Number(outcome.stdout.text().trim());
    expect(await eventually(() => processIsGone(grandchild), 3_000)).toBe(true);
  });

  it("kills what the leader left running when it exits normally", async () => {
    const outcome = await python(spawnStubbornGrandchild("sys.exit(0)"));
    expect(outcome.exitCode).toBe(0);
    const grandchild = Number(outcome.stdout.text().trim());
    expect(await eventually(() => processIsGone(grandchild), 3_000)).toBe(true);
  });

  it("stops at once when the signal is already aborted", async () => {
    const outcome = await python("import time; time.sleep(30)", { signal: AbortSignal.abort() });
    expect(outcome).toMatchObject({ aborted: true, exitCode: null });
  });

  it("hands stdin and stdout to the caller in protocol mode and still captures stderr", async () => {
    const running = await startProcess({
      command: "python3",
      args: [
        "-c",
        "import sys; line = sys.stdin.readline(); print(line.upper(), end=''); print('e', file=sys.stderr)",
      ],
      cwd: dir,
      env: sandboxEnv({ home: dir, basePath: process.env.PATH }),
      timeoutMs: 20_000,
      stdio: "protocol",
    });
    const chunks: Buffer[] = [];
    running.stdout?.on("data", (chunk: Buffer) => chunks.push(chunk));
    running.stdin?.end("hello\n");
    const outcome = await running.done;
    expect(outcome.exitCode).toBe(0);
    expect(Buffer.concat(chunks).toString()).toBe("HELLO\n");
    expect(outcome.stdout.text()).toBe("");
    expect(outcome.stderr.text()).toBe("e\n");
  });

  it("rejects when the command cannot be started", async () => {
    const running = await startProcess({
      command: join(dir, "no-such-binary"),
      args: [],
      cwd: dir,
      env: {},
      timeoutMs: 1_000,
    });
    await expect(running.done).rejects.toThrow(/ENOENT/);
  });

  it("caps each stream and flags truncation", async () => {
    const outcome = await python("import sys; sys.stdout.write('x' * 100000); sys.stderr.write('y' * 100)", {
      outputCapBytes: 1_000,
    });
    expect(outcome.stdout.text()).toHaveLength(1_000);
    expect(outcome.stdout.truncated).toBe(true);
    expect(outcome.stderr.text()).toHaveLength(100);
    expect(outcome.stderr.truncated).toBe(false);
  });
});
