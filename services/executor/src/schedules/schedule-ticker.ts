import type { HeldTick, ScheduleTicks } from "@mcp/db";
import type { Logger } from "@mcp/runtime";
import { dueTicks } from "./cron.js";
import type { ScheduleFirer } from "./schedule-firer.js";

/** Due schedules one pass records, expired and buffered ticks it takes. */
const SCHEDULES_PER_PASS = 20;
const TAKEOVERS_PER_PASS = 20;
/** Finished ticks kept per schedule (older ones are deleted now and then). */
const TICKS_KEPT = 1_000;
/** Passes between two prunes. */
const PRUNE_EVERY = 600;

/** How the ticker runs. */
export interface TickerOptions {
  /** This executor (`schedule_ticks.claimed_by`). */
  readonly owner: string;
  /** How long a recorded tick is held before another executor may take it over. */
  readonly claimMs: number;
  /** Time between passes. */
  readonly pollMs: number;
}

/**
 * Every executor runs one ticker. Each pass: record the due ticks of due schedules (each tick once,
 * whichever executor gets there first), take over the pending ticks of executors that died before
 * starting their runs, release buffered ticks whose previous run ended; then fire them all, in tick
 * order. A failing pass (PostgreSQL unreachable) is logged and the next one tries again.
 */
export class ScheduleTicker {
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private stopped = false;
  private passes = 0;

  constructor(
    private readonly ticks: ScheduleTicks,
    private readonly firer: Pick<ScheduleFirer, "fire">,
    private readonly logger: Logger,
    private readonly options: TickerOptions,
  ) {}

  start(): void {
    this.schedule(0);
  }

  /** Stops after the pass under way (its ticks are recorded and fired, or left to a takeover). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.pass;
  }

  /** One pass (exposed for tests); resolves with the ticks it fired. */
  async runOnce(): Promise<HeldTick[]> {
    const { owner, claimMs } = this.options;
    const held = [
      ...(await this.ticks.recordDue(owner, claimMs, SCHEDULES_PER_PASS, dueTicks)),
      ...(await this.ticks.takeOverExpired(owner, claimMs, TAKEOVERS_PER_PASS)),
      ...(await this.ticks.releaseBuffered(owner, claimMs, TAKEOVERS_PER_PASS)),
    ].sort((a, b) => a.tick.tickAt.getTime() - b.tick.tickAt.getTime());
    for (const h of held) {
      if (this.stopped) break; // the rest are taken over once their claim runs out
      await this.firer
        .fire(h)
        .catch((err: unknown) =>
          this.logger.warn(
            { err, schedule: h.schedule.name, tick: h.tick.tickAt.toISOString() },
            "could not fire a schedule's tick; it is tried again once its claim runs out",
          ),
        );
    }
    if (++this.passes % PRUNE_EVERY === 0) await this.ticks.prune(TICKS_KEPT);
    return held;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.pass = this.runOnce()
        .then(() => undefined)
        .catch((err: unknown) => this.logger.warn({ err }, "schedule pass failed; the next one tries again"))
        .finally(() => this.schedule(this.options.pollMs));
    }, delayMs);
    this.timer.unref();
  }
}
