import { FenceLostError, untilReachable, type LimitedMcp, type ReachOptions, type RunPermits } from "@mcp/db";
import type { PermitGrant, PermitPort, PermitWaiter } from "../engine/permits.js";
import { LostOwnershipError } from "../engine/types.js";
import type { RunEvents } from "../events/run-events.js";
import type { PinnedMcp } from "../step/index.js";
import type { FencedRecorder } from "./fenced-recorder.js";

/**
 * The engine's {@link PermitPort} for one claimed run: permits are taken under the run's fence
 * (`RunPermits`), a queued step is recorded WAITING through the run's fenced recorder, and the runs
 * a call woke are told through the wake-up channel. Writes outlast a database outage like the
 * recorder's. A queued step's run is parked until woken, or `recheckMs` at the latest (a permit that
 * came back with a dead executor's run, taken over, wakes nobody by itself).
 */
export class FencedPermits implements PermitPort {
  constructor(
    private readonly permits: RunPermits,
    private readonly recorder: FencedRecorder,
    private readonly events: Pick<RunEvents, "wake">,
    private readonly runId: string,
    private readonly fence: string,
    private readonly recheckMs: number,
    private readonly reach: ReachOptions | undefined,
  ) {}

  async acquire(key: string, mcp: PinnedMcp, waiter?: PermitWaiter): Promise<PermitGrant> {
    let answer;
    try {
      answer = await untilReachable(
        () => this.permits.acquire(this.runId, this.fence, key, limited(mcp)),
        this.reach,
      );
    } catch (err) {
      if (err instanceof FenceLostError) throw new LostOwnershipError(this.runId);
      throw err;
    }
    if (answer.held) return { held: true };
    await this.wake(answer.woken);
    if (waiter) await this.recorder.stepAwaitingPermit(waiter.stepId, waiter.attempt - 1, waiter.inputs);
    return { held: false, recheckAt: new Date(Date.now() + this.recheckMs) };
  }

  async release(key: string, mcp: PinnedMcp): Promise<void> {
    const woken = await untilReachable(
      () => this.permits.release(this.runId, this.fence, key, limited(mcp)),
      this.reach,
    );
    await this.wake(woken);
  }

  async withdraw(keys: readonly string[], mcp: PinnedMcp): Promise<void> {
    const woken = await untilReachable(
      () => this.permits.withdraw(this.runId, this.fence, keys, limited(mcp)),
      this.reach,
    );
    await this.wake(woken);
  }

  awaitItems(stepId: string, attempt: number): Promise<void> {
    return this.recorder.stepAwaitingItems(stepId, attempt);
  }

  private async wake(runIds: readonly string[]): Promise<void> {
    for (const id of runIds) await this.events.wake(id);
  }
}

/** The MCP's id, name and limit as the permits table keeps them. */
function limited(mcp: PinnedMcp): LimitedMcp {
  return { id: mcp.id, name: mcp.name, maxConcurrency: mcp.config.maxConcurrency ?? 1 };
}
