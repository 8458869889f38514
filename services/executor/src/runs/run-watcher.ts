import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { ANY_WORKSPACE, type RunPermits, type RunQueries, type RunScope } from "@mcp/db";
import { NotFoundError } from "@mcp/errors";
import { isFinalRunStatus, RunEventSchema, type RunEvent } from "@mcp/proto/executor";
import type { Subscription } from "@mcp/coordination";
import type { RunEvents } from "../events/run-events.js";
import { concurrencyWait } from "./concurrency-wait.js";
import { isFinalRunRow, toWorkflowRun } from "./mapping.js";

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

/** What every subscription reads from the database when its run has been quiet too long. */
interface ProgressLookup {
  /** The run's last event sequence number and whether it has ended; undefined when there is no such run. */
  progress(runId: string): Promise<{ readonly sequence: bigint; readonly ended: boolean } | undefined>;
}

/** What a subscription that yields the run's state (WatchRun's) reads as well. */
interface RunLookups extends ProgressLookup {
  snapshot(runId: string): Promise<RunEvent>;
}

/**
 * A run's events as this process receives them, from the moment it is made: those of a run driven
 * here at once, and (after {@link listenElsewhere}) those published by other executors.
 */
abstract class RunListener<Lookups extends ProgressLookup> {
  private readonly stopListening: () => void;
  private subscription: Subscription | undefined;
  private wakeWaiter: (() => void) | undefined;

  constructor(
    protected readonly runId: string,
    protected readonly lookups: Lookups,
    private readonly runEvents: RunEvents,
    /** How long the run may be quiet before the database is asked (pub/sub is at most once). */
    private readonly resyncMs: number,
  ) {
    this.stopListening = runEvents.listen(runId, (event) => this.receive(event));
  }

  /**
   * Also receives what other executors publish (Redis pub/sub). Without it (Redis away) the run is
   * still followed, from the database every `resyncMs`.
   */
  async listenElsewhere(): Promise<void> {
    this.subscription ??= await this.runEvents
      .subscribe(this.runId, (event) => this.receive(event))
      .catch(() => undefined);
  }

  async close(): Promise<void> {
    this.stopListening();
    await this.subscription?.close();
  }

  protected abstract receive(event: RunEvent): void;

  /** Waits until {@link wake} or `resyncMs`, or `signal` aborts; true when woken (or aborted). */
  protected async quietFor(signal: AbortSignal): Promise<boolean> {
    const onAbort = () => this.wake();
    signal.addEventListener("abort", onAbort);
    try {
      return await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), this.resyncMs);
        this.wakeWaiter = () => {
          clearTimeout(timer);
          resolve(true);
        };
        if (signal.aborted) this.wakeWaiter();
      });
    } finally {
      this.wakeWaiter = undefined;
      signal.removeEventListener("abort", onAbort);
    }
  }

  /** Ends the current {@link quietFor}, if any. */
  protected wake(): void {
    this.wakeWaiter?.();
  }
}

/**
 * A run's events, for a caller that reads them all (WatchRun): read them with {@link events};
 * {@link close} when done.
 */
export class RunSubscription extends RunListener<RunLookups> {
  private readonly pending: RunEvent[] = [];

  /**
   * The run's current state (a snapshot, unless `knownSequence`), then every run and step event in
   * sequence order until the run ends or `signal` aborts.
   */
  async *events(signal: AbortSignal, options: EventsOptions = {}): AsyncGenerator<RunEvent> {
    let last: bigint;
    if (options.knownSequence !== undefined) {
      last = options.knownSequence;
    } else {
      const snapshot = await this.lookups.snapshot(this.runId);
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
      if ((await this.quietFor(signal)) || signal.aborted) continue;
      // Quiet for resyncMs: if the run moved on without us seeing it, continue from a fresh snapshot.
      const found = await this.lookups.progress(this.runId);
      if (found !== undefined && found.sequence > last) {
        const snapshot = await this.lookups.snapshot(this.runId);
        last = snapshot.sequence;
        yield snapshot;
        if (isTerminal(snapshot)) return;
      }
    }
  }

  protected receive(event: RunEvent): void {
    this.pending.push(event);
    this.wake();
  }
}

/**
 * A run's end, for a caller that waits for it and reads the run then (ExecuteWorkflow with wait):
 * {@link untilEnd}; {@link close} when done. The events before the end are noticed, not queued:
 * waiting costs nothing per step.
 */
export class RunEndSubscription extends RunListener<ProgressLookup> {
  private ended = false;
  /** How many events were heard. */
  private heard = 0;

  /**
   * Resolves once the run has ended (its final event heard here, or found in the database after
   * `resyncMs` with no event heard: events are at most once) or `signal` aborts.
   */
  async untilEnd(signal: AbortSignal): Promise<void> {
    let heard = this.heard;
    while (!this.ended && !signal.aborted) {
      if ((await this.quietFor(signal)) || this.ended || signal.aborted) continue;
      // events came meanwhile: the run is moving and heard here
      if (this.heard !== heard) {
        heard = this.heard;
        continue;
      }
      if ((await this.lookups.progress(this.runId))?.ended) return;
    }
  }

  protected receive(event: RunEvent): void {
    this.heard += 1;
    if (!isTerminal(event)) return;
    this.ended = true;
    this.wake();
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

  /** Starts listening for the run's end in this process (add other executors' with `listenElsewhere`). */
  subscribeToEnd(runId: string): RunEndSubscription {
    return new RunEndSubscription(runId, this, this.events, this.resyncMs);
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

  /** The run's last event sequence number and whether it has ended; undefined when there is no such run. */
  async progress(runId: string): Promise<{ sequence: bigint; ended: boolean } | undefined> {
    const run = await this.queries.runProgress(runId);
    return run ? { sequence: BigInt(run.eventSeq), ended: isFinalRunRow(run.status) } : undefined;
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
