import { FenceLostError, untilReachable, type ReachOptions, type RunWaits } from "@mcp/db";
import { LostOwnershipError } from "../engine/types.js";
import type { Decision, WaitPort, Waiting } from "../engine/waiting.js";
import type { JsonValue } from "../step/index.js";
import type { FencedRecorder } from "./fenced-recorder.js";

/**
 * The engine's {@link WaitPort} for one claimed run: waits are recorded through the run's fenced
 * recorder, signals are received under the run's fence (`RunWaits.takeSignal`), decisions read from
 * the step row. Writes outlast a database outage like the recorder's.
 */
export class FencedWaits implements WaitPort {
  constructor(
    private readonly waits: RunWaits,
    private readonly recorder: FencedRecorder,
    private readonly runId: string,
    private readonly fence: string,
    private readonly reach: ReachOptions | undefined,
  ) {}

  stepWaiting(stepId: string, waiting: Waiting): Promise<void> {
    return this.recorder.stepWaiting(stepId, waiting);
  }

  async takeSignal(stepId: string, signal: string): Promise<{ payload: JsonValue } | null> {
    try {
      const got = await untilReachable(
        () => this.waits.takeSignal(this.runId, this.fence, stepId, signal),
        this.reach,
      );
      return got ? { payload: got.payload ?? null } : null;
    } catch (err) {
      if (err instanceof FenceLostError) throw new LostOwnershipError(this.runId);
      throw err;
    }
  }

  async decision(stepId: string): Promise<Decision | null> {
    const stored = await untilReachable(() => this.waits.decision(this.runId, stepId), this.reach);
    return stored
      ? { approved: stored.approved, decidedBy: stored.decidedBy, comment: stored.comment }
      : null;
  }
}
