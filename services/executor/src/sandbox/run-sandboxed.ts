import { spawn } from "node:child_process";
import { DEFAULT_OUTPUT_CAP_BYTES, OutputCapture } from "./output-capture.js";
import { killProcessGroup } from "./process-group.js";
import { nextSpawnTurn } from "./spawn-turns.js";

/** How long a child may ignore SIGTERM before its whole group gets SIGKILL. */
export const DEFAULT_KILL_GRACE_MS = 500;

/** After the child exits, how long to wait for its pipes to close (a process that left the group may hold them). */
const STDIO_DRAIN_MS = 500;

/** One command to run in its own process group. */
export interface SandboxedCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** The child's entire environment (see scrubbedEnv); nothing else is inherited. */
  readonly env: NodeJS.ProcessEnv;
  /** Wall-clock limit; the group is killed when it passes. */
  readonly timeoutMs: number;
  /** Aborting kills the group. */
  readonly signal?: AbortSignal;
  /** Cap per output stream; defaults to 64 KiB. */
  readonly outputCapBytes?: number;
  readonly killGraceMs?: number;
}

/** How a sandboxed command ended. Exactly one of exitCode / signal is set unless it never started. */
export interface SandboxedOutcome {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Killed because timeoutMs passed. */
  readonly timedOut: boolean;
  /** Killed (or never started) because the AbortSignal fired. */
  readonly aborted: boolean;
  readonly stdout: OutputCapture;
  readonly stderr: OutputCapture;
  readonly durationMs: number;
}

/**
 * Runs a command as the leader of a new process group (`detached: true`) with a scrubbed environment,
 * capped output capture and a timeout. On timeout or abort the whole group gets SIGTERM, then SIGKILL
 * after a short grace; when the leader exits, whatever it left behind in the group is SIGKILLed too,
 * so no grandchild outlives the call. Rejects only when the command cannot be started at all.
 */
export async function runSandboxed(command: SandboxedCommand): Promise<SandboxedOutcome> {
  await nextSpawnTurn();
  const started = Date.now();
  const cap = command.outputCapBytes ?? DEFAULT_OUTPUT_CAP_BYTES;
  const stdout = new OutputCapture(cap);
  const stderr = new OutputCapture(cap);
  const outcome = (exitCode: number | null, signal: NodeJS.Signals | null, stop: StopReason | undefined) => ({
    exitCode,
    signal,
    timedOut: stop === "timeout",
    aborted: stop === "abort",
    stdout,
    stderr,
    durationMs: Date.now() - started,
  });
  if (command.signal?.aborted) return outcome(null, null, "abort");

  return new Promise((resolve, reject) => {
    const child = spawn(command.command, command.args, {
      cwd: command.cwd,
      env: command.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (chunk: Buffer) => stdout.write(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.write(chunk));

    let stopReason: StopReason | undefined;
    let exited = false;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (reason: StopReason) => {
      if (exited || stopReason !== undefined || child.pid === undefined) return;
      stopReason = reason;
      const pid = child.pid;
      killProcessGroup(pid, "SIGTERM");
      killTimer = setTimeout(
        () => killProcessGroup(pid, "SIGKILL"),
        command.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
      );
    };
    const timeoutTimer = setTimeout(() => stop("timeout"), command.timeoutMs);
    const onAbort = () => stop("abort");
    command.signal?.addEventListener("abort", onAbort, { once: true });
    const cleanUp = () => {
      clearTimeout(timeoutTimer);
      clearTimeout(killTimer);
      command.signal?.removeEventListener("abort", onAbort);
    };

    child.once("error", (error) => {
      if (exited) return;
      exited = true;
      cleanUp();
      reject(error);
    });
    child.once("exit", (exitCode, signal) => {
      exited = true;
      cleanUp();
      if (child.pid !== undefined) killProcessGroup(child.pid, "SIGKILL");
      const finish = () => resolve(outcome(exitCode, signal, stopReason));
      const drain = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish();
      }, STDIO_DRAIN_MS);
      child.once("close", () => {
        clearTimeout(drain);
        finish();
      });
    });
  });
}

type StopReason = "timeout" | "abort";
