import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually, processesWith } from "./testing.js";

jest.setTimeout(120_000);

const COMMANDS = 3;

/** How long each command of a killed process sleeps before it writes its file. */
const SURVIVOR_SECONDS = 8;

/**
 * A process that opens a bubblewrap sandbox, starts {@link COMMANDS} commands in it (each sleeps
 * `seconds`, then writes `ran-<i>` in `dir`) and SIGKILLs itself `delayMs` after they were started (at
 * once for 0; never for -1, when it waits for them to end).
 */
const KILLER = `
const [dir, tag, seconds, delay] = process.argv.slice(-4);
(async () => {
  const { Sandbox } = require(${JSON.stringify(join(__dirname, "sandbox.ts"))});
  const sandbox = await Sandbox.open({ mode: "bubblewrap", readOnlyPaths: [], writablePaths: [dir], egressDeny: [], platformUrls: [] });
  if (sandbox.status.mode !== "bubblewrap") throw new Error(sandbox.status.problem);
  const started = await Promise.all(Array.from({ length: ${COMMANDS} }, (_, i) => sandbox.start({
    command: "/bin/sh",
    args: ["-c", "sleep " + seconds + "; echo ran > " + dir + "/ran-" + i, tag],
    workDir: dir,
    env: { PATH: "/usr/bin:/bin" },
    network: "none",
    limits: sandbox.limits(),
    timeoutMs: 30000,
  })));
  const ms = Number(delay);
  if (ms === 0) process.kill(process.pid, "SIGKILL");
  if (ms > 0) setTimeout(() => process.kill(process.pid, "SIGKILL"), ms);
  if (ms < 0) await Promise.all(started.map((s) => s.done));
})();
`;

/** Runs {@link KILLER} to its end (or its death); resolves with how it ended. */
function killer(dir: string, tag: string, seconds: number, delayMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "-e", KILLER, "--", dir, tag, String(seconds), String(delayMs)],
      {
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve(signal ?? `exit ${code}${stderr ? `: ${stderr}` : ""}`));
  });
}

describe("the start gate", () => {
  const dirs: string[] = [];
  const scratch = () => {
    const dir = mkdtempSync(join(tmpdir(), "start-gate-spec-"));
    chmodSync(dir, 0o777); // the sandbox's user is not this one
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("lets the commands of a live process run", async () => {
    const dir = scratch();
    expect(await killer(dir, `gate-live-${process.pid}`, 0.3, -1)).toBe("exit 0");
    expect(readdirSync(dir).sort()).toEqual(Array.from({ length: COMMANDS }, (_, i) => `ran-${i}`));
  });

  it("leaves no command running after a process killed within milliseconds of starting them", async () => {
    const delays = [0, 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 5, 8, 13];
    const trials = delays.map((delayMs, i) => ({
      delayMs,
      dir: scratch(),
      tag: `gate-killed-${process.pid}-${i}-${Math.floor(Math.random() * 1e9)}`,
    }));
    // a command may well start before the kill (on a loaded machine, even a short one may end before
    // it): each sleeps longer than any process here lives, so only one that outlived its process
    // gets to write
    const ends = await Promise.all(trials.map((t) => killer(t.dir, t.tag, SURVIVOR_SECONDS, t.delayMs)));
    expect(ends).toEqual(delays.map(() => "SIGKILL"));
    for (const t of trials) {
      // one left running would write its file within SURVIVOR_SECONDS: wait past that
      expect(await eventually(() => processesWith(t.tag).length === 0, 2_000 * SURVIVOR_SECONDS)).toBe(true);
      expect({ delayMs: t.delayMs, ran: readdirSync(t.dir) }).toEqual({ delayMs: t.delayMs, ran: [] });
    }
  });
});
