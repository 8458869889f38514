import { errorMessage } from "@mcp/errors";
import { signalRepeat, type FirstSignal } from "@mcp/runtime";

/** One thing the launcher started, stopped in reverse start order. */
interface Step {
  readonly name: string;
  stop(): Promise<unknown>;
  /** Synchronous last resort from a process `exit` handler. */
  killNow?(): void;
}

/**
 * The launcher's orderly shutdown: steps (services, then the embedded PostgreSQL they use) stop in
 * reverse start order, once, after any start-up still in progress has settled, then the process
 * exits. A second signal exits at once; the `exit` handler still signals what is left.
 */
export class Shutdown {
  private readonly steps: Step[] = [];
  private readonly controller = new AbortController();
  private startup: Promise<unknown> = Promise.resolve();
  private first: FirstSignal | undefined;

  constructor(private readonly say: (message: string) => void) {}

  /** Aborted once shutdown begins: start-up stops at its next step. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get stopping(): boolean {
    return this.controller.signal.aborted;
  }

  add(step: Step): void {
    this.steps.push(step);
  }

  /** Shutdown waits for this before stopping anything, so nothing half-started is left behind. */
  during(startup: Promise<unknown>): void {
    this.startup = startup;
  }

  /**
   * Handles SIGINT/SIGTERM: the first stops everything and exits 0, a second exits 1 at once. One
   * Ctrl-C reaches this process twice (from the terminal, and relayed by tsx): the same signal
   * within a second is that echo, and ignored.
   */
  onSignal(signal: NodeJS.Signals): void {
    const repeat = signalRepeat(this.first, signal);
    if (repeat === "echo") return;
    if (repeat === "again" || this.stopping) {
      this.say(`${signal} again: exiting now`);
      process.exit(1);
    }
    this.first = { signal, at: Date.now() };
    this.run(0, `${signal}: stopping`);
  }

  /** Stops every step (once; later calls are ignored) and exits with `exitCode` (1 if a step failed). */
  run(exitCode: number, why: string): void {
    if (this.stopping) return;
    this.controller.abort();
    this.say(why);
    void (async () => {
      await this.startup.catch(() => undefined);
      let code = exitCode;
      for (const step of [...this.steps].reverse()) {
        try {
          await step.stop();
        } catch (err) {
          this.say(`${step.name} did not stop cleanly: ${errorMessage(err)}`);
          code ||= 1;
        }
      }
      this.say(code === 0 ? "stopped" : `stopped (exit ${code})`);
      process.exit(code);
    })();
  }

  killNow(): void {
    for (const step of [...this.steps].reverse()) step.killNow?.();
  }
}
