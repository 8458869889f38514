import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { ANY_WORKSPACE, type RunPermits, type RunQueries, type RunScope } from "@mcp/db";
import { NotFoundError } from "@mcp/errors";
import { isFinalRunStatus, RunEventSchema, type RunEvent } from "@mcp/proto/executor";
import type { Subscription } from "@mcp/coordination";
import type { RunEvents } from "../events/run-events.js";
import { concurrencyWait } from "./concurrency-wait.js";
import { toWorkflowRun } from "./mapping.js";

const isTerminal = (event: RunEvent) =>
  (event.event.case === "runSnapshot" &&
    event.event.value !== undefined &&
    isFinalRunStatus(event.event.value.status)) ||
  (event.event.case === "runStatus" && isFinalRunStatus(event.event.value.status));

/** Options of {@link RunSubscription.events}. */
export interface EventsOptions {
  /**
   * The caller already knows the run up to this sequence number, and that it had not ended then
   * (a run it has just created): no snapshot is read or yielded first.
   */
  readonly knownSequence?: bigint;
}

/**
 * A run's events as this process receives them, from {@link RunWatcher.subscribe} on: those of a
 * run driven here at once, and (after {@link listenElsewhere}) those published by other executors.
 * Read them with {@link events}; {@link close} when done.
 */
export class RunSubscription {
  private readonly pending: RunEvent[] = [];
  private wake: (() => void) | undefined;
  private readonly stopListening: () => void;
  private subscription: Subscription | undefined;

  constructor(
    private readonly runId: string,
    private readonly watcher: {
      snapshot(runId: string): Promise<RunEvent>;
      findSequence(runId: string): Promise<bigint | undefined>;
    },
    private readonly runEvents: RunEvents,
    private readonly resyncMs: number,
  ) {
    this.stopListening = runEvents.listen(runId, (event) => this.receive(event));
  }

  /**
   * Also receives what other executors publish (Redis pub/sub). Without it (Redis away) the events
   * still come, from the database every `resyncMs`.
   */
  async listenElsewhere(): Promise<void> {
    this.subscription ??= await this.runEvents
      .subscribe(this.runId, (event) => this.receive(event))
      .catch(() => undefined);
  }

  /**
   * The run's current state (a snapshot, unless `knownSequence`), then every run and step event in
   * sequence order until the run ends or `signal` aborts.
   */
  async *events(signal: AbortSignal, options: EventsOptions = {}): AsyncGenerator<RunEvent> {
    const onAbort = () => this.wake?.();
    signal.addEventListener("abort", onAbort);
    try {
      let last: bigint;
      if (options.knownSequence !== undefined) {
        last = options.knownSequence;
      } else {
        const snapshot = await this.watcher.snapshot(this.runId);
        last = snapshot.sequence;
        yield snapshot;
        if (isTerminal(snapshot)) return;
      }
      const pending = this.pending;
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
          this.wake = () => {
            clearTimeout(timer);
            resolve(true);
          };
        });
        this.wake = undefined;
        if (woke || signal.aborted) continue;
        // Quiet for resyncMs: if the run moved on without us seeing it, continue from a fresh snapshot.
        const sequence = await this.watcher.findSequence(this.runId);
        if (sequence !== undefined && sequence > last) {
          const snapshot = await this.watcher.snapshot(this.runId);
          last = snapshot.sequence;
          yield snapshot;
          if (isTerminal(snapshot)) return;
        }
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  async close(): Promise<void> {
    this.stopListening();
    await this.subscription?.close();
  }

  private receive(event: RunEvent): void {
    this.pending.push(event);
    this.wake?.();
  }
}

/**
 * WatchRun: the current state first (a run snapshot), then every run and step event in sequence order
 * until the run ends, whichever replica drives it. Two phases, so that a caller who creates a run can
 * listen before the run starts: {@link subscribe}, then read {@link RunSubscription.events}.
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
    /** Where steps waiting for an MCP permit are queued (concurrency-wait.ts), for snapshots. */
    private readonly permits?: Pick<RunPermits, "waitsOf">,
  ) {}

  /** Starts receiving the run's events in this process (add other executors' with `listenElsewhere`). */
  subscribe(runId: string): RunSubscription {
    return new RunSubscription(runId, this, this.events, this.resyncMs);
  }

  /**
   * Subscribe (everywhere), then the events until the run ends or `signal` aborts. NOT_FOUND when the
   * run is not in `scope` (the caller's workspace): a run's events are published by run id, so the
   * workspace is checked here, once, before any is read.
   */
  async *watch(scope: RunScope, runId: string, signal: AbortSignal): AsyncGenerator<RunEvent> {
    if (scope !== ANY_WORKSPACE && !(await this.queries.findRun(scope, runId))) {
      throw new NotFoundError("run", runId);
    }
    const subscription = this.subscribe(runId);
    try {
      await subscription.listenElsewhere();
      yield* subscription.events(signal);
    } finally {
      await subscription.close();
    }
  }

  /** The run's last event sequence number; undefined when there is no such run. */
  async findSequence(runId: string): Promise<bigint | undefined> {
    const run = await this.queries.findRun(ANY_WORKSPACE, runId);
    return run ? BigInt(run.eventSeq) : undefined;
  }

  async snapshot(runId: string): Promise<RunEvent> {
    const found = await this.queries.runWithSteps(ANY_WORKSPACE, runId);
    if (!found) throw new NotFoundError("run", runId);
    const { run, steps } = found;
    const value = toWorkflowRun(run, steps);
    value.concurrencyWait = await concurrencyWait(run, steps, this.queries, this.permits);
    return create(RunEventSchema, {
      runId,
      sequence: BigInt(run.eventSeq),
      time: timestampNow(),
      event: { case: "runSnapshot", value },
    });
  }
}
