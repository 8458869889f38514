import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import type { RunQueries } from "@mcp/db";
import { NotFoundError } from "@mcp/errors";
import { RunEventSchema, RunStatus, type RunEvent } from "@mcp/proto/executor";
import type { Subscription } from "@mcp/coordination";
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
  /**
   * For a run the caller has just created and not yet let start: called once the watch listens in
   * this process, before anything is read. It starts the run here, or, when it cannot, calls
   * `listenElsewhere` first (the run will be driven by another executor) and then lets it start.
   */
  readonly start?: (listenElsewhere: () => Promise<void>) => Promise<void>;
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
 *   already covers (sequence ≤ the snapshot's) are dropped, and so are repeats (an event of a run
 *   driven in this process arrives both directly and through pub/sub).
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
    const onEvent = (event: RunEvent) => {
      pending.push(event);
      wake?.();
    };
    const stopListening = this.events.listen(runId, onEvent);
    // Without pub/sub (Redis away) the watch still works, from the database every `resyncMs`.
    const listenElsewhere = async () => {
      subscription = await this.events.subscribe(runId, onEvent).catch(() => undefined);
    };
    let subscription: Subscription | undefined;
    const onAbort = () => wake?.();
    signal.addEventListener("abort", onAbort);
    try {
      if (options.start) await options.start(listenElsewhere);
      else await listenElsewhere();
      let last: bigint;
      if (options.knownSequence !== undefined) {
        last = options.knownSequence;
      } else {
        const snapshot = await this.snapshot(runId);
        last = snapshot.sequence;
        yield snapshot;
        if (isTerminal(snapshot)) return;
      }
      while (!signal.aborted) {
        pending.sort((a, b) => (a.sequence < b.sequence ? -1 : a.sequence > b.sequence ? 1 : 0));
        let progressed = false;
        while (pending.length > 0 && pending[0]!.sequence <= last + 1n) {
          const event = pending.shift()!;
          if (event.sequence <= last) continue;
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
          const snapshot = await this.snapshot(runId);
          last = snapshot.sequence;
          yield snapshot;
          if (isTerminal(snapshot)) return;
        }
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
      stopListening();
      await subscription?.close();
    }
  }

  private async snapshot(runId: string): Promise<RunEvent> {
    const found = await this.queries.runWithSteps(runId);
    if (!found) throw new NotFoundError("run", runId);
    const { run, steps } = found;
    return create(RunEventSchema, {
      runId,
      sequence: BigInt(run.eventSeq),
      time: timestampNow(),
      event: { case: "runSnapshot", value: toWorkflowRun(run, steps) },
    });
  }
}
