import { isConnectionError, type ExecutorSessions } from "@mcp/db";
import type { Logger } from "@mcp/runtime";

/** Options of {@link EndedSessionWatch}. */
export interface EndedSessionWatchOptions {
  /** This executor's identity: never reported as ended. */
  readonly owner: string;
  /** Time between two looks. */
  readonly pollMs: number;
  /** Told the executors whose session ended while they own live runs (called only when there are some). */
  readonly onEnded: (owners: readonly string[]) => void;
}

/**
 * Fast failover (ADR 024): every `pollMs`, one cheap statement asks PostgreSQL which executors' sessions
 * have ended (their advisory lock was freed when their process died) while they still own live runs,
 * and hands them to the run worker, which takes their runs over through the ordinary fenced claim.
 * Polled because nothing tells a session when another one ends, and a session blocked waiting for
 * another's lock would hold a snapshot (CREATE INDEX CONCURRENTLY and vacuum wait for it).
 */
export class EndedSessionWatch {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private failing = false;
  /** Owners already logged as dead (each is logged once). */
  private readonly reported = new Set<string>();

  constructor(
    private readonly sessions: ExecutorSessions,
    private readonly logger: Logger,
    private readonly options: EndedSessionWatchOptions,
  ) {}

  start(): void {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.look().finally(() => this.schedule()), this.options.pollMs);
    this.timer.unref();
  }

  private async look(): Promise<void> {
    try {
      const owners = await this.sessions.endedOwnersWithRuns(this.options.owner);
      this.failing = false;
      if (owners.length === 0) return;
      const fresh = owners.filter((o) => !this.reported.has(o));
      if (fresh.length > 0) {
        for (const o of fresh) this.reported.add(o);
        if (this.reported.size > 1_000) this.reported.clear();
        this.logger.info({ owners: fresh }, "executor session ended: taking over its runs");
      }
      this.options.onEnded(owners);
    } catch (err) {
      // an outage is the worker's and the health check's to report; other failures once per streak
      if (!this.failing && !isConnectionError(err)) {
        this.logger.warn({ err }, "could not look for ended executor sessions; will retry");
      }
      this.failing = true;
    }
  }
}
