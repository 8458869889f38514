import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { findProgram } from "./programs.js";
import { eventually, processesWith, processIsGone } from "./testing.js";

jest.setTimeout(60_000);

/** A process that starts a watchdog for folder `dir`, says `watching`, and waits to be killed. */
const OWNER = `
const [python, dir] = process.argv.slice(-2);
const { startWatchdog } = require(${JSON.stringify(join(__dirname, "watchdog.ts"))});
startWatchdog(python, dir);
process.stdout.write("watching\\n");
setInterval(() => undefined, 60_000);
`;

/** A process that opens a real Sandbox, writes a file in a work dir of it, says the dir, and waits to be killed. */
const SANDBOX_OWNER = `
(async () => {
  const { Sandbox } = require(${JSON.stringify(join(__dirname, "sandbox.ts"))});
  const sandbox = await Sandbox.open({ mode: "bubblewrap", readOnlyPaths: [], egressDeny: [], platformUrls: [] });
  if (sandbox.status.mode !== "bubblewrap") throw new Error(sandbox.status.problem);
  await sandbox.withWorkDir("spec-", async (dir) => {
    require("node:fs").writeFileSync(dir + "/inputs.json", "{}");
    process.stdout.write(dir + "\\n");
    await new Promise(() => undefined);
  });
})();
`;

function startOwner(python: string, dir: string): Promise<ChildProcess> {
  const owner = spawn(process.execPath, ["--import", "tsx", "-e", OWNER, "--", python, dir], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    owner.once("error", reject);
    owner.once("exit", (code) => reject(new Error(`the owner exited (${code}) before it was watching`)));
    owner.stdout.once("data", () => resolve(owner));
  });
}

/** Resolves with the first line `stream` carries. */
function readLine(stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    stream.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes("\n")) resolve(text.slice(0, text.indexOf("\n")));
    });
    stream.once("end", () => reject(new Error(`ended before a line: ${text}`)));
  });
}

/** Resolves with all `stream` carries, once it ends. */
function readAll(stream: Readable): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    stream.on("data", (chunk: Buffer) => (text += chunk.toString()));
    stream.once("end", () => resolve(text));
  });
}

/**
 * bubblewrap stopped where containers/bubblewrap#633 leaves it: its monitor reported the sandbox's
 * first process (`--info-fd`) and waits on `--userns-block-fd` before letting it go; killing the
 * monitor there leaves that process waiting for ever. The command line names `marker`.
 */
async function strandedSandbox(marker: string): Promise<{ monitor: ChildProcess; first: number }> {
  const bwrap = findProgram("bwrap");
  if (bwrap === undefined) throw new Error("bubblewrap is not installed");
  const asRoot = process.getuid?.() === 0;
  const monitor = spawn(
    bwrap,
    [
      "--unshare-user",
      "--unshare-pid",
      "--die-with-parent",
      "--ro-bind",
      "/usr",
      "/usr",
      "--symlink",
      "usr/bin",
      "/bin",
      "--symlink",
      "usr/lib",
      "/lib",
      "--info-fd",
      "3",
      "--userns-block-fd",
      "4",
      "--",
      "/bin/true",
      marker,
    ],
    { stdio: ["ignore", "ignore", "inherit", "pipe", "pipe"], ...(asRoot ? { uid: 65534, gid: 65534 } : {}) },
  );
  // the monitor writes the first process's pid there and closes it, then waits on fd 4
  const info = JSON.parse(await readAll(monitor.stdio[3] as Readable)) as { "child-pid": number };
  return { monitor, first: info["child-pid"] };
}

describe("the sandbox watchdog", () => {
  const python = findProgram("python3");
  const dirs: string[] = [];
  const survivors: ChildProcess[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    for (const child of survivors) {
      child.kill("SIGKILL");
      for (const pipe of child.stdio) pipe?.destroy();
    }
  });

  it("ends a sandbox bubblewrap left waiting for its killed monitor once its owner is gone, and nothing else", async () => {
    expect(python).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), "watchdog-spec-"));
    dirs.push(dir);
    const marker = `${dir}/mark-${process.pid}`;
    const owner = await startOwner(python!, dir);

    const { monitor, first } = await strandedSandbox(marker);
    survivors.push(monitor);
    monitor.kill("SIGKILL");
    await new Promise((resolve) => monitor.once("exit", resolve));
    // the sandbox's first process is left waiting for a go-ahead nobody will give
    expect(processIsGone(first)).toBe(false);
    const bystander = spawn("sleep", ["60"], { stdio: "ignore" });
    survivors.push(bystander);

    owner.kill("SIGKILL");
    expect(await eventually(() => processIsGone(first), 10_000)).toBe(true);
    // the watchdog itself (its command line names the folder) is gone, and the folder with it
    expect(await eventually(() => processesWith(dir).length === 0, 10_000)).toBe(true);
    expect(existsSync(dir)).toBe(false);
    expect(processIsGone(bystander.pid!)).toBe(false);
  });

  it("removes a killed process's sandbox folder, with the work dirs of its steps", async () => {
    const owner = spawn(process.execPath, ["--import", "tsx", "-e", SANDBOX_OWNER], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    survivors.push(owner);
    const workDir = (await readLine(owner.stdout)).trim();
    expect(existsSync(join(workDir, "inputs.json"))).toBe(true);
    owner.kill("SIGKILL");
    expect(await eventually(() => !existsSync(dirname(workDir)), 10_000)).toBe(true);
  });
});
