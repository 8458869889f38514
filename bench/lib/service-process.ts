import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";

const ROOT = resolve(__dirname, "../..");

/** The Node flags every service runs with (the image's NODE_OPTIONS, `npm start`'s; docs/adr/033). */
export const SERVICE_NODE_FLAGS = ["--max-semi-space-size=64"];

/** A service running in its own process. */
export interface ServiceProcess {
  readonly child: ChildProcess;
  /** Its gRPC/Connect base URL. */
  readonly url: string;
  /** SIGTERM, then resolves when it has exited (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `entry` (a TypeScript file under the repository, e.g. `services/registry/src/main.ts`) in
 * its own Node process with the tsx loader and the services' Node flags, as `npm run start:<service>`
 * does, and resolves once it logs `listening` (LOG_LEVEL is set to `info` for that line; the rest of
 * its output is drained).
 */
export async function startServiceProcess(
  entry: string,
  env: Record<string, string>,
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, "--import", "tsx", resolve(ROOT, entry)], {
    cwd: ROOT,
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/tmp", ...env, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = await new Promise<string>((ok, fail) => {
    let buffer = "";
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = /"port":(\d+)[^\n]*"msg":"listening"/.exec(buffer);
      if (match) {
        child.stdout?.off("data", onData);
        child.off("exit", onExit);
        ok(`http://127.0.0.1:${match[1]}`);
      }
      if (buffer.length > 1e6) buffer = buffer.slice(-1e4);
    };
    const onExit = (code: number | null) =>
      fail(new Error(`${entry} exited with ${code} before listening: ${stderr.trim()}`));
    child.stdout?.on("data", onData);
    child.once("exit", onExit);
  });
  child.stdout?.resume();
  const stop = async (graceMs = 10_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((done) => child.once("exit", () => done()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return { child, url, stop };
}
