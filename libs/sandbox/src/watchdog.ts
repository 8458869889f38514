import { spawn, type ChildProcess } from "node:child_process";
import type { Socket } from "node:net";

/** The watchdogs this process started and has not released: their pipes must stay open until then. */
const watchdogs = new Set<ChildProcess>();

/** How long {@link Watchdog.release} waits for the watchdog to end (its sweeps stop within 10 s). */
const RELEASE_WAIT_MS = 15_000;

/** A running watchdog, held by the sandbox it guards. */
export interface Watchdog {
  /**
   * For a sandbox closed on purpose (nothing of it should still run): closes the pipe, so the watchdog
   * does now what it would do once this process ended (ends whatever is left of the sandbox, removes
   * its folder) and exits. Resolves once it has exited (or after 15 s). Idempotent.
   */
  release(): Promise<void>;
}

/**
 * The sandbox watchdog: what ends this process's sandboxes once this process has ended, however it
 * ended (kill -9 included), and removes their private folder (/etc files, the steps' work dirs).
 *
 * `--die-with-parent` and the start gate (start-gate.ts) see to it that no command runs once this
 * process is gone. They leave one thing behind: bubblewrap's first process inside a new sandbox waits
 * for a go-ahead from bubblewrap's monitor outside, and a monitor killed with this process before it
 * gave it (it is armed to die with this process just before) leaves that first process waiting
 * forever (containers/bubblewrap#633; measured here: 1 sandbox in ~40 kill -9s within milliseconds of
 * its start). It never runs anything, but it stays: a process and its namespaces per such sandbox.
 *
 * So each sandbox (one per executor) starts one watchdog: python3 in a session of its own, reading a
 * pipe this process holds and never writes. End of file there means this process has ended, or that
 * the sandbox was closed ({@link Watchdog.release}); the watchdog then kills every process whose
 * command line names a path in `folder` (the sandbox's private folder: its /etc files are bound into
 * every bubblewrap command line it starts) until none is left, removes `folder`, and exits. It ignores
 * the signals a terminal or a supervisor sends to this process's group.
 */
export function startWatchdog(python: string, folder: string): Watchdog {
  const watchdog = spawn(python, ["-I", "-S", "-c", WATCHDOG_SCRIPT, folder], {
    stdio: ["pipe", "ignore", "ignore"],
    detached: true,
  });
  // it runs as long as its sandbox: neither it nor its pipe keeps this process's loop alive
  const exited = new Promise<void>((resolve) => {
    watchdog.once("exit", () => resolve());
    // it could not be started: nothing to wait for (and no error thrown into this process)
    watchdog.on("error", () => resolve());
  });
  watchdog.stdin?.on("error", () => undefined);
  watchdog.unref();
  (watchdog.stdin as Socket | null)?.unref();
  watchdogs.add(watchdog);
  let released: Promise<void> | undefined;
  return {
    release() {
      released ??= (async () => {
        watchdog.stdin?.end();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          exited,
          new Promise<void>((resolve) => (timer = setTimeout(resolve, RELEASE_WAIT_MS).unref())),
        ]);
        clearTimeout(timer);
        watchdog.stdin?.destroy();
        watchdogs.delete(watchdog);
      })();
      return released;
    },
  };
}

/**
 * The watchdog (argv: the folder). Sweeps until three sweeps in a row found nothing (a
 * monitor dying at that moment may still make a sandbox), at most ten seconds.
 */
const WATCHDOG_SCRIPT = `
import os, shutil, signal, sys, time
for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
    signal.signal(s, signal.SIG_IGN)
folder = sys.argv[1]
marker = folder.rstrip("/").encode() + b"/"
while sys.stdin.buffer.read(65536):
    pass
me = os.getpid()
deadline = time.monotonic() + 10
quiet = 0
while quiet < 3 and time.monotonic() < deadline:
    found = False
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == me:
            continue
        try:
            with open("/proc/" + name + "/cmdline", "rb") as f:
                if marker not in f.read():
                    continue
            os.kill(int(name), signal.SIGKILL)
            found = True
        except OSError:
            pass
    quiet = 0 if found else quiet + 1
    time.sleep(0.05)
shutil.rmtree(folder, ignore_errors=True)
`;
