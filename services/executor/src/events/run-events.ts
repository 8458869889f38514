import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import type { EventBus, Subscription } from "@mcp/coordination";
import { RunEventSchema, type RunEvent } from "@mcp/proto/executor";

/** The payload of a RunEvent without its envelope fields. */
export type RunEventBody = RunEvent["event"];

const runChannel = (runId: string) => `run:${runId}`;
const WAKE_CHANNEL = "runs:new";

/** An event waiting in {@link RunEvents}'s outbox to be encoded and published. */
interface Outgoing {
  readonly channel: string;
  readonly message: RunEvent;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Run and step events between executor replicas (Redis pub/sub, or in process in single-node mode).
 * Events are published AFTER the change they describe is committed, and carry the run's event
 * sequence number from that same transaction, so watchers can order and de-duplicate them.
 * Listeners in this process ({@link listen}) get this process's events directly, as well.
 *
 * Listeners here hear an event at once; its encoding and its publish wait for the event loop's next
 * turn (`setImmediate`), so the run that emitted it goes on first (its next step starts without
 * paying for the event) and the events of one turn go to Redis together. They keep their order.
 */
export class RunEvents {
  private readonly local = new Map<string, Set<(event: RunEvent) => void>>();
  private outbox: Outgoing[] = [];

  constructor(
    private readonly bus: EventBus,
    /** Told when an {@link emit} could not be published. */
    private readonly onEmitError: (err: unknown) => void = () => undefined,
  ) {}

  /**
   * {@link publish} without waiting for it: for the run driver, whose next step should not wait on
   * Redis. Publishes keep their order (one connection); one that fails is reported, and watchers
   * recover from the database after a quiet gap.
   */
  emit(runId: string, sequence: string | bigint, event: RunEventBody): void {
    this.publish(runId, sequence, event).catch(this.onEmitError);
  }

  /** Tells this process's listeners now; resolves once the event is published to the bus. */
  publish(runId: string, sequence: string | bigint, event: RunEventBody): Promise<void> {
    const message = create(RunEventSchema, {
      runId,
      sequence: BigInt(sequence),
      time: timestampNow(),
      event,
    });
    for (const listener of this.local.get(runId) ?? []) listener(message);
    return new Promise<void>((resolve, reject) => {
      this.outbox.push({ channel: runChannel(runId), message, resolve, reject });
      if (this.outbox.length === 1) setImmediate(() => void this.flush());
    });
  }

  /** Publishes what is waiting now rather than on the next turn, and resolves once it is sent (or failed). */
  async drain(): Promise<void> {
    await this.flush();
  }

  /** Encodes and publishes what the outbox holds, in the order it was emitted. */
  private flush(): Promise<unknown> {
    const outgoing = this.outbox;
    this.outbox = [];
    return Promise.allSettled(
      outgoing.map(({ channel, message, resolve, reject }) => {
        try {
          const bytes = toBinary(RunEventSchema, message);
          const payload = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
          return this.bus.publish(channel, payload).then(resolve, reject);
        } catch (err) {
          reject(err);
          return Promise.resolve();
        }
      }),
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
  listen(runId: string, onEvent: (event: RunEvent) => void): () => void {
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
