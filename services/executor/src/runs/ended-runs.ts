import type { RunWithSteps } from "@mcp/db";

/**
 * Runs' ends handed from the driver that wrote them to the callers in this process waiting for them
 * (docs/adr/029): for a run someone here {@link expect}s, the driver has its run-end statement return
 * the run with its steps, so the caller answers from that and makes no read of its own after the
 * end. Nothing is kept for a run nobody here waits for.
 */
export class EndedRuns {
  private readonly waiting = new Map<string, { callers: number; ended?: RunWithSteps }>();

  /** A caller here waits for `runId`'s end; call the returned function once it no longer does. */
  expect(runId: string): () => void {
    const entry = this.waiting.get(runId) ?? { callers: 0 };
    entry.callers += 1;
    this.waiting.set(runId, entry);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      entry.callers -= 1;
      if (entry.callers === 0 && this.waiting.get(runId) === entry) this.waiting.delete(runId);
    };
  }

  /** Whether a caller here waits for the run (its driver then reads the run back with its end). */
  expected(runId: string): boolean {
    return this.waiting.has(runId);
  }

  /** The run as its end left it, from its driver; kept only while someone waits for it. */
  deliver(runId: string, ended: RunWithSteps): void {
    const entry = this.waiting.get(runId);
    if (entry) entry.ended = ended;
  }

  /** The run as its end left it, when a driver here wrote its end while someone waited. */
  ended(runId: string): RunWithSteps | undefined {
    return this.waiting.get(runId)?.ended;
  }
}
