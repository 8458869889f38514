import { FailedPreconditionError } from "@mcp/errors";
import type { Logger } from "@mcp/runtime";
import type { RunPruner } from "./run-pruner.js";

const DAY_MS = 86_400_000;

/**
 * RUN_RETENTION_DAYS at work: every `intervalMs` (and once at start) this executor tries to prune;
 * while another executor holds the prune lock it skips that turn. Never on the run path: a prune runs
 * on its own connections, in short batches with pauses.
 */
export class RetentionLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly stopping = new AbortController();

  constructor(
    private readonly pruner: RunPruner,
    private readonly logger: Logger,
    private readonly options: { readonly days: number | undefined; readonly intervalMs: number },
  ) {}

  /** Starts the timer; does nothing when retention is off (no RUN_RETENTION_DAYS). */
  start(): void {
    if (this.options.days === undefined) return;
    this.logger.info(
      { retentionDays: this.options.days, intervalMs: this.options.intervalMs },
      "run retention on: finished runs older than RUN_RETENTION_DAYS are pruned",
    );
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
    this.timer.unref();
    this.tick();
  }

  /** Stops the timer and waits for a prune under way to stop after its current batch. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.stopping.abort();
    await this.running;
  }

  private tick(): void {
    if (this.running || this.stopping.signal.aborted || this.options.days === undefined) return;
    const olderThanMs = this.options.days * DAY_MS;
    this.running = this.pruner
      .prune({ olderThanMs, dryRun: false }, this.stopping.signal)
      .then((r) => {
        if (r.runs > 0) {
          this.logger.info(
            { runs: r.runs, steps: r.steps, batches: r.batches, cutoff: r.cutoff.toISOString() },
            "pruned old runs",
          );
        }
      })
      .catch((err: unknown) => {
        const busy = err instanceof FailedPreconditionError && err.reason === "PRUNE_RUNNING";
        if (busy) this.logger.debug("another executor is pruning; skipping this turn");
        else this.logger.warn({ err }, "run retention: prune failed; trying again next interval");
      })
      .finally(() => {
        this.running = undefined;
      });
  }
}
