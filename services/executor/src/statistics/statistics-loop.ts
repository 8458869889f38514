import type { StatisticsRefresh } from "@mcp/db";
import type { Logger } from "@mcp/runtime";

/** What the loop needs of `@mcp/db`'s TableStatistics. */
export interface StatisticsKeeper {
  refresh(): Promise<StatisticsRefresh>;
}

/**
 * EXECUTOR_STATISTICS_CHECK_MS at work (docs/adr/032): every interval this executor asks whether
 * autovacuum leaves the run tables alone and, if so, ANALYZEs those that changed enough since their
 * last ANALYZE, so that the plans every connection caches are made again on their real size. With
 * autovacuum on it finds nothing to do. Never on the run path: one small query per interval.
 */
export class StatisticsLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private toldOwnDuty = false;

  constructor(
    private readonly statistics: StatisticsKeeper,
    private readonly logger: Logger,
    private readonly intervalMs: number,
  ) {}

  /** Starts the timer (the first check after one interval); does nothing when the interval is 0. */
  start(): void {
    if (this.intervalMs === 0) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a check under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.running || this.stopped) return;
    this.running = this.statistics
      .refresh()
      .then(({ ownDuty, analyzed }) => {
        if (ownDuty && !this.toldOwnDuty) {
          this.logger.info(
            "autovacuum leaves the run tables alone: this executor ANALYZEs them once they changed enough",
          );
        }
        this.toldOwnDuty = ownDuty;
        if (analyzed.length > 0) {
          this.logger.info(
            { tables: analyzed },
            "analyzed the run tables: their cached plans are made again",
          );
        }
      })
      .catch((err: unknown) => {
        this.logger.warn(
          { err },
          "could not check the run tables' planner statistics; trying again next interval",
        );
      })
      .finally(() => {
        this.running = undefined;
      });
  }
}
