import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import type { EventBus, Subscription } from "@mcp/coordination";
import type { StepRunEntity, WorkflowRunEntity } from "@mcp/db";
import { RunEventSchema, type RunEvent } from "@mcp/proto/executor";

/** The payload of a RunEvent without its envelope fields. */
export type RunEventBody = RunEvent["event"];

/**
 * A run as its end left it, rows as committed (the run and its steps in plan order), handed with the
 * run's final event to the listeners in the process that drove it: a waiter answers from it rather
 * than reading the run back (never sent on the bus).
 */
export interface RunEnded {
  readonly run: WorkflowRunEntity;
  readonly steps: readonly StepRunEntity[];
}

/** A listener of this process's events of a run (see {@link RunEvents.listen}). */
export type LocalListener = (event: RunEvent, ended?: RunEnded) => void;

const runChannel = (runId: string) => `run:${runId}`;
const WAKE_CHANNEL = "runs:new";

/**
 * Run and step events between executor replicas (Redis pub/sub, or in process in single-node mode).
 * Events are published AFTER the change they describe is committed, and carry the run's event
 * sequence number from that same transaction, so watchers can order and de-duplicate them.
 * Listeners in this process ({@link listen}) get this process's events directly, as well.
 */
export class RunEvents {
  private readonly local = new Map<string, Set<LocalListener>>();

  constructor(
    private readonly bus: EventBus,
    /** Told when an {@link emit} could not be published. */
    private readonly onEmitError: (err: unknown) => void = () => undefined,
  ) {}

  /**
   * {@link publish} without waiting for it: for the run driver, whose next step should not wait on
   * Redis. Publishes keep their order (one connection); one that fails is reported, and watchers
   * recover from the database after a quiet gap. `ended`: with a run's final event, the run as it
   * ended, for this process's listeners only.
   */
  emit(runId: string, sequence: string | bigint, event: RunEventBody, ended?: RunEnded): void {
    this.publish(runId, sequence, event, ended).catch(this.onEmitError);
  }

  async publish(
    runId: string,
    sequence: string | bigint,
    event: RunEventBody,
    ended?: RunEnded,
  ): Promise<void> {
    const message = create(RunEventSchema, {
      runId,
      sequence: BigInt(sequence),
      time: timestampNow(),
      event,
    });
    for (const listener of this.local.get(runId) ?? []) listener(message, ended);
    await this.bus.publish(
      runChannel(runId),
      Buffer.from(toBinary(RunEventSchema, message)).toString("base64"),
    );
  }

  subscribe(runId: string, onEvent: (event: RunEvent) => void): Promise<Subscription> {
    return this.bus.subscribe(runChannel(runId), (message) =>
      onEvent(fromBinary(RunEventSchema, Buffer.from(message, "base64"))),
    );
  }

  /**
   * The events this process publishes for `runId`, delivered at once (no round trip); a run driven
   * elsewhere is heard through {@link subscribe}. Returns the function that stops listening.
   */
  listen(runId: string, onEvent: LocalListener): () => void {
    let listeners = this.local.get(runId);
    if (!listeners) this.local.set(runId, (listeners = new Set()));
    listeners.add(onEvent);
    return () => {
      listeners.delete(onEvent);
      if (listeners.size === 0 && this.local.get(runId) === listeners) this.local.delete(runId);
    };
  }

  /** Tells every executor a run is waiting to be claimed. */
  async wake(runId: string): Promise<void> {
    await this.bus.publish(WAKE_CHANNEL, runId);
  }

  onWake(handler: (runId: string) => void): Promise<Subscription> {
    return this.bus.subscribe(WAKE_CHANNEL, handler);
  }
}
