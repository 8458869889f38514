import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { SERVICE_NAMES, type ServicePlan } from "./plan.js";

/** How a child ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all. */
  readonly error?: Error;
}

/** A running service process. */
export interface ServiceChild {
  readonly plan: ServicePlan;
  readonly process: ChildProcess;
  /** Resolves once, when the process has ended. */
  readonly exited: Promise<ChildExit>;
}

const COLORS = [36, 35, 33] as const;

function prefixLines(from: Readable | null, to: Writable, label: string): void {
  if (!from) return;
  createInterface({ input: from, crlfDelay: Infinity }).on("line", (line) => to.write(`${label}${line}\n`));
}

/**
 * Starts `node_modules/.bin/tsx services/<name>/src/main.ts`. The child gets its own process group
 * (so a terminal's Ctrl-C reaches only the launcher, which then stops each child exactly once) and
 * its output is passed through; with `prefix`, each line is labelled with the service name.
 */
export function spawnService(
  root: string,
  plan: ServicePlan,
  env: NodeJS.ProcessEnv,
  prefix: boolean,
): ServiceChild {
  const child = spawn(join(root, "node_modules", ".bin", "tsx"), [plan.entry], {
    cwd: root,
    env,
    detached: true,
    stdio: ["ignore", prefix ? "pipe" : "inherit", prefix ? "pipe" : "inherit"],
  });
  if (prefix) {
    const color = COLORS[SERVICE_NAMES.indexOf(plan.name) % COLORS.length] ?? 36;
    const label = `\x1b[${color}m${plan.name.padEnd(9)}|\x1b[0m `;
    prefixLines(child.stdout, process.stdout, label);
    prefixLines(child.stderr, process.stderr, label);
  }
  const exited = new Promise<ChildExit>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    child.once("error", (error) => resolve({ code: null, signal: null, error }));
  });
  return { plan, process: child, exited };
}

export function isRunning(child: ServiceChild): boolean {
  return (
    child.process.pid !== undefined && child.process.exitCode === null && child.process.signalCode === null
  );
}

export function describeExit(exit: ChildExit): string {
  if (exit.error) return `could not start: ${exit.error.message}`;
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

/**
 * Sends SIGTERM to every running child and waits for all of them; whatever is still running after
 * `graceMs` is killed (its whole process group). Returns the names of the children force-killed.
 */
export async function stopAll(children: readonly ServiceChild[], graceMs: number): Promise<string[]> {
  const running = children.filter(isRunning);
  for (const child of running) child.process.kill("SIGTERM");
  const all = Promise.all(running.map((c) => c.exited));
  const timer = new AbortController();
  const done = await Promise.race([all.then(() => true), sleep(graceMs, false, { signal: timer.signal })]);
  timer.abort();
  if (done) return [];
  const stuck = running.filter(isRunning);
  for (const child of stuck) {
    const pid = child.process.pid;
    try {
      if (pid !== undefined) process.kill(-pid, "SIGKILL");
    } catch {
      child.process.kill("SIGKILL");
    }
  }
  await all;
  return stuck.map((c) => c.plan.name);
}
