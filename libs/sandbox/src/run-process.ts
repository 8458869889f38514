import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { DEFAULT_OUTPUT_CAP_BYTES, OutputCapture } from "./output-capture.js";
import { killProcessGroup } from "./process-group.js";
import { nextSpawnTurn } from "./spawn-turns.js";

/** How long a child may ignore SIGTERM before its whole group gets SIGKILL. */
export const DEFAULT_KILL_GRACE_MS = 500;

/** After the child exits, how long to wait for its pipes to close (a process that left the group may hold them). */
const STDIO_DRAIN_MS = 500;

/** Why a process was stopped before it ended by itself. */
export type StopReason = "timeout" | "abort" | "processes" | "setup";

/** One process to start as the leader of a new process group. */
export interface ProcessSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** The child's entire environment; nothing else is inherited. */
  readonly env: NodeJS.ProcessEnv;
  /** Start the child under this user and group (the caller must be allowed to switch). */
  readonly uid?: number;
  readonly gid?: number;
  /** Wall-clock limit; the group is stopped when it passes. */
  readonly timeoutMs: number;
  /** Aborting stops the group. */
  readonly signal?: AbortSignal;
  /** Cap per captured output stream; defaults to 64 KiB. */
  readonly outputCapBytes?: number;
  readonly killGraceMs?: number;
  /**
   * `capture` (default): no stdin, stdout and stderr captured. `protocol`: stdin and stdout are the
   * caller's (a stdio server speaks over them), stderr is captured.
   */
  readonly stdio?: "capture" | "protocol";
  /** Extra pipes handed to the child as fds 3, 4, … (e.g. bubblewrap's --info-fd and --block-fd). */
  readonly extraPipes?: number;
  /** Told every chunk of captured output as it arrives (live logs); must not throw or block. */
  readonly onOutput?: OutputListener;
}

/** Hears a process's captured output as it is written, chunk by chunk. */
export type OutputListener = (stream: "stdout" | "stderr", chunk: Buffer) => void;

/** How a process ended. Exactly one of exitCode / signal is set unless it never started. */
export interface ProcessOutcome {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Stopped because timeoutMs passed. */
  readonly timedOut: boolean;
  /** Stopped (or never started) because the AbortSignal fired. */
  readonly aborted: boolean;
  /** Stopped because it reached its limit on processes. */
  readonly processLimit: boolean;
  /** Stopped because preparing it failed (see the sandbox's setup, e.g. its network). */
  readonly setupFailed: boolean;
  readonly stdout: OutputCapture;
  readonly stderr: OutputCapture;
  readonly durationMs: number;
}

/** A started process: its pipes, a way to stop it, and how it ended. */
export interface RunningProcess {
  readonly child: ChildProcess;
  /** In `protocol` mode, the child's stdin and stdout; null in `capture` mode. */
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: OutputCapture;
  /** Stops the whole group (SIGTERM, then SIGKILL after the grace), once; later calls do nothing. */
  stop(reason: StopReason): void;
  /** Settles when the process has exited and its pipes are drained; rejects only if it could not start. */
  readonly done: Promise<ProcessOutcome>;
}

/**
 * Starts a command as the leader of a new process group (`detached: true`) with the given environment,
 * capped output capture and a timeout. On timeout or abort the whole group gets SIGTERM, then SIGKILL
 * after a short grace; when the leader exits, whatever it left behind in the group is SIGKILLed too.
 * Waits for its own event-loop turn first (see spawn-turns).
 */
export async function startProcess(spec: ProcessSpec): Promise<RunningProcess> {
  await nextSpawnTurn();
  const started = Date.now();
  const cap = spec.outputCapBytes ?? DEFAULT_OUTPUT_CAP_BYTES;
  const protocol = spec.stdio === "protocol";
  const stdout = new OutputCapture(protocol ? 0 : cap);
  const stderr = new OutputCapture(cap);
  let stopReason: StopReason | undefined;
  const outcome = (exitCode: number | null, signal: NodeJS.Signals | null): ProcessOutcome => ({
    exitCode,
    signal,
    timedOut: stopReason === "timeout",
    aborted: stopReason === "abort",
    processLimit: stopReason === "processes",
    setupFailed: stopReason === "setup",
    stdout,
    stderr,
    durationMs: Date.now() - started,
  });

  const stdio: StdioOptions = [
    protocol ? "pipe" : "ignore",
    "pipe",
    "pipe",
    ...Array.from({ length: spec.extraPipes ?? 0 }, () => "pipe" as const),
  ];
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    detached: true,
    stdio,
    ...(spec.uid === undefined ? {} : { uid: spec.uid }),
    ...(spec.gid === undefined ? {} : { gid: spec.gid }),
  });
  // A pipe to a process that ends with data unread fails (ECONNRESET, EPIPE); the exit says how the
  // process ended, so such an error is never a failure of ours (and must not go unhandled)
  for (const pipe of child.stdio) pipe?.on("error", () => undefined);
  const listen = spec.onOutput;
  if (!protocol)
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout.write(chunk);
      listen?.("stdout", chunk);
    });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr.write(chunk);
    listen?.("stderr", chunk);
  });

  let exited = false;
  let killTimer: NodeJS.Timeout | undefined;
  const stop = (reason: StopReason) => {
    if (exited || stopReason !== undefined || child.pid === undefined) return;
    stopReason = reason;
    const pid = child.pid;
    killProcessGroup(pid, "SIGTERM");
    killTimer = setTimeout(() => killProcessGroup(pid, "SIGKILL"), spec.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
  };
  const timeoutTimer = setTimeout(() => stop("timeout"), spec.timeoutMs);
  const onAbort = () => stop("abort");
  const cleanUp = () => {
    clearTimeout(timeoutTimer);
    clearTimeout(killTimer);
    spec.signal?.removeEventListener("abort", onAbort);
  };

  const done = new Promise<ProcessOutcome>((resolve, reject) => {
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
      const finish = () => resolve(outcome(exitCode, signal));
      const drain = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish();
      }, STDIO_DRAIN_MS);
      child.once("close", () => {
        clearTimeout(drain);
        finish();
      });
    });
  });
  if (spec.signal?.aborted) stop("abort");
  else spec.signal?.addEventListener("abort", onAbort, { once: true });

  return {
    child,
    stdin: protocol ? child.stdin : null,
    stdout: protocol ? child.stdout : null,
    stderr,
    stop,
    done,
  };
}

/** An outcome for a process that was never started because the signal had already aborted. */
export function notStarted(reason: "abort"): ProcessOutcome {
  return {
    exitCode: null,
    signal: null,
    timedOut: false,
    aborted: reason === "abort",
    processLimit: false,
    setupFailed: false,
    stdout: new OutputCapture(0),
    stderr: new OutputCapture(0),
    durationMs: 0,
  };
}
