import { InvalidArgumentError } from "@mcp/errors";
import { type Redis } from "ioredis";
import { type Logger } from "../logger.js";
import { whenConnected } from "../redis/when-connected.js";
import { redisUnavailable } from "../support/errors.js";
import { OutageLog } from "../support/outage-log.js";
import { withTimeout } from "../support/with-timeout.js";
import { deliver, type EventBus, type MessageHandler, type Subscription } from "./event-bus.js";

/** The two connections of a {@link RedisEventBus}; both from createRedis, closed by their owner. */
export interface RedisEventBusConnections {
  /** Sends PUBLISH; may be shared with the cache and locks. */
  publisher: Redis;
  /** Dedicated to this bus: a subscribed connection can run no other command. */
  subscriber: Redis;
}

/** Options of {@link RedisEventBus}. */
export interface RedisEventBusOptions {
  /** Prepended verbatim to every channel name, e.g. "mcp:events:". */
  prefix: string;
  logger: Logger;
  /** Longest wait for one PUBLISH before dropping the message; default 500 ms. */
  publishTimeoutMs?: number;
  /** Longest wait for SUBSCRIBE before rejecting with UnavailableError; default 2000 ms. */
  subscribeTimeoutMs?: number;
}

/** The local handlers of one Redis channel, and the SUBSCRIBE they share. */
interface Channel {
  readonly handlers: Set<MessageHandler>;
  readonly subscribed: Promise<void>;
}

/**
 * Redis pub/sub event bus: one SUBSCRIBE per channel however many local subscribers it has
 * (ref-counted; UNSUBSCRIBE when the last one closes), all on one dedicated connection, renewed
 * after a reconnect (messages published meanwhile are lost). Publishing FAILS OPEN like the cache:
 * a lost event is an update a watcher misses, not lost data. Subscribing fails closed with
 * UnavailableError, so a watcher learns at once that it would receive nothing.
 */
export class RedisEventBus implements EventBus {
  private readonly channels = new Map<string, Channel>();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly prefix: string;
  private readonly logger: Logger;
  private readonly publishTimeoutMs: number;
  private readonly subscribeTimeoutMs: number;
  private readonly outage: OutageLog;

  constructor(connections: RedisEventBusConnections, options: RedisEventBusOptions) {
    if (connections.publisher === connections.subscriber) {
      throw InvalidArgumentError.field("subscriber", "must be a dedicated connection, not the publisher");
    }
    this.publisher = connections.publisher;
    this.subscriber = connections.subscriber;
    this.prefix = options.prefix;
    this.logger = options.logger;
    this.publishTimeoutMs = options.publishTimeoutMs ?? 500;
    this.subscribeTimeoutMs = options.subscribeTimeoutMs ?? 2_000;
    this.outage = new OutageLog(options.logger, "redis events", { component: "events" });
    this.subscriber.on("message", (name: string, message: string) => this.dispatch(name, message));
    this.subscriber.on("ready", () => this.resubscribe());
  }

  async publish(channel: string, message: string): Promise<void> {
    const publishing = async (): Promise<void> => {
      await whenConnected(this.publisher, this.publishTimeoutMs);
      await this.publisher.publish(this.prefix + channel, message);
    };
    try {
      await withTimeout(publishing(), this.publishTimeoutMs, "event publish");
      this.outage.success();
    } catch (err) {
      this.outage.failure("publish", err);
    }
  }

  async subscribe(channel: string, onMessage: MessageHandler): Promise<Subscription> {
    const name = this.prefix + channel;
    let entry = this.channels.get(name);
    if (entry === undefined) {
      entry = { handlers: new Set(), subscribed: this.redisSubscribe(name) };
      this.channels.set(name, entry);
    }
    // A fresh function per subscription, so the same callback may be registered twice.
    const handler: MessageHandler = (message) => onMessage(message);
    entry.handlers.add(handler);
    try {
      await entry.subscribed;
    } catch (err) {
      entry.handlers.delete(handler);
      throw redisUnavailable(`subscribe to channel "${name}"`, err);
    }
    const joined = entry;
    let closing: Promise<void> | undefined;
    return { close: () => (closing ??= this.leave(name, joined, handler)) };
  }

  private dispatch(name: string, message: string): void {
    const entry = this.channels.get(name);
    if (entry === undefined) return;
    for (const handler of entry.handlers) deliver(handler, message, name, this.logger);
  }

  /** After a reconnect, subscribes again to every channel with local subscribers (the server forgot them). */
  private resubscribe(): void {
    const names = [...this.channels.keys()];
    if (names.length === 0) return;
    this.subscriber.subscribe(...names).catch((err: unknown) => {
      // The connection dropped again (the next "ready" retries) or Redis is too slow to answer.
      this.logger.warn({ component: "events", err }, "resubscribing to run events failed");
    });
  }

  /** Sends SUBSCRIBE within the time budget; on failure forgets the channel so a retry resends it. */
  private async redisSubscribe(name: string): Promise<void> {
    const subscribing = async (): Promise<void> => {
      await whenConnected(this.subscriber, this.subscribeTimeoutMs);
      await this.subscriber.subscribe(name);
    };
    try {
      await withTimeout(subscribing(), this.subscribeTimeoutMs, `subscribe to channel "${name}"`);
    } catch (err) {
      this.channels.delete(name);
      // The SUBSCRIBE may still land after the timeout; undo it (commands on a connection run in order).
      this.subscriber.unsubscribe(name).catch(() => undefined);
      throw err;
    }
  }

  /** Drops one handler; the last one out of a channel sends UNSUBSCRIBE. Never rejects. */
  private async leave(name: string, entry: Channel, handler: MessageHandler): Promise<void> {
    entry.handlers.delete(handler);
    if (entry.handlers.size > 0 || this.channels.get(name) !== entry) return;
    this.channels.delete(name);
    try {
      await withTimeout(this.subscriber.unsubscribe(name), this.subscribeTimeoutMs, "unsubscribe");
    } catch (err) {
      // Harmless: a dropped connection took the subscription with it (and it is not renewed),
      // and dispatch ignores channels without local subscribers.
      this.logger.debug({ component: "events", channel: name, err }, "unsubscribe failed");
    }
  }
}
