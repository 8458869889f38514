import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import type { RunQueries } from "@mcp/db";
import { NotFoundError } from "@mcp/errors";
import { RunEventSchema, RunStatus, type RunEvent } from "@mcp/proto/executor";
import type { RunEvents } from "../events/run-events.js";
import { toWorkflowRun } from "./mapping.js";

const TERMINAL = new Set([
  RunStatus.SUCCEEDED,
  RunStatus.FAILED,
  RunStatus.PARTIALLY_SUCCEEDED,
  RunStatus.CANCELLED,
]);

const isTerminal = (event: RunEvent) =>
  (event.event.case === "runSnapshot" &&
    event.event.value !== undefined &&
    TERMINAL.has(event.event.value.status)) ||
  (event.event.case === "runStatus" && TERMINAL.has(event.event.value.status));

/** Options of {@link RunWatcher.watch}. */
export interface WatchOptions {
  /** Called once subscribed, before anything is read: e.g. to let a new run start only now. */
  readonly onSubscribed?: () => Promise<void>;
  /**
   * The caller already knows the run up to this sequence number, and that it had not ended then
   * (a run it has just created): no snapshot is read or yielded first.
   */
  readonly knownSequence?: bigint;
}

/**
 * WatchRun: the current state first (a run snapshot), then every run and step event in sequence order
 * until the run ends, whichever replica drives it.
 *
 * - It subscribes BEFORE reading the snapshot, so nothing falls between the two; events the snapshot
 *   already covers (sequence ≤ the snapshot's) are dropped.
 * - Each committed change takes the next sequence number of its run (several step rows changed in one
 *   transaction share one), and is published after commit, so events can arrive out of order; they
 *   are held back until the sequence is contiguous.
 * - Pub/sub is at-most-once: if a gap lasts `resyncMs`, the database is read again and a fresh
 *   snapshot continues the stream.
 */
export class RunWatcher {
  constructor(
    private readonly queries: RunQueries,
    private readonly events: RunEvents,
    private readonly resyncMs = 1_000,
  ) {}

  async *watch(runId: string, signal: AbortSignal, options: WatchOptions = {}): AsyncGenerator<RunEvent> {
    const pending: RunEvent[] = [];
    let wake: (() => void) | undefined;
    // Without pub/sub (Redis away) the watch still works, from the database every `resyncMs`.
    const subscription = await this.events
      .subscribe(runId, (event) => {
        pending.push(event);
        wake?.();
      })
      .catch(() => undefined);
    const onAbort = () => wake?.();
    signal.addEventListener("abort", onAbort);
    try {
      await options.onSubscribed?.();
      let snapshot: { sequence: bigint };
      if (options.knownSequence !== undefined) {
        snapshot = { sequence: options.knownSequence };
      } else {
        const read = await this.snapshot(runId);
        snapshot = read;
        yield read;
        if (isTerminal(read)) return;
      }
      let last = snapshot.sequence;
      while (!signal.aborted) {
        pending.sort((a, b) => (a.sequence < b.sequence ? -1 : a.sequence > b.sequence ? 1 : 0));
        let progressed = false;
        while (pending.length > 0 && pending[0]!.sequence <= last + 1n) {
          const event = pending.shift()!;
          if (event.sequence <= snapshot.sequence) continue;
          last = event.sequence;
          progressed = true;
          yield event;
          if (isTerminal(event)) return;
        }
        if (progressed) continue;
        const woke = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), this.resyncMs);
          wake = () => {
            clearTimeout(timer);
            resolve(true);
          };
        });
        wake = undefined;
        if (woke || signal.aborted) continue;
        // Quiet for resyncMs: if the run moved on without us seeing it, continue from a fresh snapshot.
        const run = await this.queries.findRun(runId);
        if (run && BigInt(run.eventSeq) > last) {
          const read = await this.snapshot(runId);
          snapshot = read;
          last = read.sequence;
          yield read;
          if (isTerminal(read)) return;
        }
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
      await subscription?.close();
    }
  }

  private async snapshot(runId: string): Promise<RunEvent> {
    const run = await this.queries.findRun(runId);
    if (!run) throw new NotFoundError("run", runId);
    const steps = await this.queries.steps(runId);
    return create(RunEventSchema, {
      runId,
      sequence: BigInt(run.eventSeq),
      time: timestampNow(),
      event: { case: "runSnapshot", value: toWorkflowRun(run, steps) },
    });
  }
}
