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
  private readonly ended: Promise<void>;

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
    this.ended = new Promise((resolve) => {
      stream.once("close", resolve);
      stream.once("end", resolve);
    });
  }

  /** The sandbox's process (to join its namespaces from outside). */
  childPid(): Promise<number> {
    return this.pid;
  }

  /**
   * Whether the command may have run: true unless the status stream ended (within `waitMs`) without
   * bubblewrap reporting the command's exit. Only a sandbox whose command certainly never ran may be
   * set up again.
   */
  async commandMayHaveRun(waitMs = 1_000): Promise<boolean> {
    const ended = await Promise.race([
      this.ended.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), waitMs).unref()),
    ]);
    return this.started || !ended;
  }
}
