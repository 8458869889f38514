/** Why an attempt was stopped before it finished. */
export type StopCause = "timeout" | "cancelled";

/**
 * One attempt's time budget joined with the step's AbortSignal: {@link signal} aborts when either the
 * budget runs out or the parent aborts, and {@link stopped} says which came first.
 */
export class Deadline {
  private readonly controller = new AbortController();
  private readonly expiresAt: number;
  private readonly timer: NodeJS.Timeout;
  private cause: StopCause | undefined;
  private readonly onParentAbort = () => this.stop("cancelled");

  constructor(
    private readonly parent: AbortSignal,
    readonly timeoutMs: number,
  ) {
    this.expiresAt = Date.now() + timeoutMs;
    this.timer = setTimeout(() => this.stop("timeout"), timeoutMs);
    if (parent.aborted) this.stop("cancelled");
    else parent.addEventListener("abort", this.onParentAbort, { once: true });
  }

  /** Aborts on timeout or when the parent signal aborts. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** What stopped the attempt; undefined while it may go on. */
  get stopped(): StopCause | undefined {
    return this.cause;
  }

  /** Milliseconds left in the budget (0 when spent). */
  remainingMs(): number {
    return Math.max(0, this.expiresAt - Date.now());
  }

  /** Stops the timer and detaches from the parent; call once the attempt is over. */
  dispose(): void {
    clearTimeout(this.timer);
    this.parent.removeEventListener("abort", this.onParentAbort);
  }

  private stop(cause: StopCause): void {
    if (this.cause !== undefined) return;
    this.cause = cause;
    clearTimeout(this.timer);
    this.controller.abort(cause === "timeout" ? new Error("timed out") : this.parent.reason);
  }
}
