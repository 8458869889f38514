import { type Logger } from "../logger.js";

/**
 * Logs a dependency outage without flooding: one warning when failures start (repeated at most
 * every `intervalMs` while they go on) and one info when a call succeeds again.
 */
export class OutageLog {
  private failing = false;
  private lastWarnAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
    private readonly fields: object = {},
    private readonly intervalMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a failed call; warns if this starts an outage or the last warning is old. */
  failure(operation: string, err: unknown): void {
    const now = this.now();
    if (!this.failing || now - this.lastWarnAt >= this.intervalMs) {
      this.logger.warn(
        { ...this.fields, operation, err },
        `${this.what} unavailable; degrading until it is back`,
      );
      this.lastWarnAt = now;
    } else {
      this.logger.debug(
        { ...this.fields, operation, err },
        `${this.what} still unavailable`,
      );
    }
    this.failing = true;
  }

  /** Records a successful call; announces the recovery if an outage was going on. */
  success(): void {
    if (!this.failing) return;
    this.failing = false;
    this.lastWarnAt = Number.NEGATIVE_INFINITY;
    this.logger.info({ ...this.fields }, `${this.what} available again`);
  }
}
