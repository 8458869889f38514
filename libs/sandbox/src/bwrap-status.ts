import type { Readable } from "node:stream";

/**
 * What bubblewrap reports on --json-status-fd: first `{"child-pid": N, …}` once the sandbox exists
 * (its process as this PID namespace sees it), then `{"exit-code": N}` once the command — which ran —
 * has exited. No exit code means bubblewrap failed before the command started (a set-up failure, safe
 * to try again) or was killed.
 */
export class BwrapStatus {
  private text = "";
  private started = false;
  private readonly pid: Promise<number>;

  constructor(stream: Readable) {
    this.pid = new Promise<number>((resolve, reject) => {
      stream.on("data", (chunk: Buffer) => {
        this.text += chunk.toString("utf8");
        const pid = /"child-pid"\s*:\s*(\d+)/.exec(this.text);
        if (pid) resolve(Number(pid[1]));
        if (/"exit-code"\s*:/.test(this.text)) this.started = true;
      });
      stream.once("close", () => reject(new Error("bubblewrap ended before the sandbox existed")));
    });
    this.pid.catch(() => undefined); // read only when the sandbox is held
  }

  /** The sandbox's process (to join its namespaces from outside). */
  childPid(): Promise<number> {
    return this.pid;
  }

  /** Whether the command ran (bubblewrap reported its exit). Read after the process has closed. */
  get commandRan(): boolean {
    return this.started;
  }
}
