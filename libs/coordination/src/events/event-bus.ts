import { type Logger } from "../logger.js";

/** Receives one message; may be async (a rejection is logged, never thrown at the publisher). */
export type MessageHandler = (message: string) => void | Promise<void>;

/** One registered handler on one channel. */
export interface Subscription {
  /** Stops delivery to this handler; once it resolves no further message reaches it. Idempotent. */
  close(): Promise<void>;
}

/**
 * Fire-and-forget messages on named channels, e.g. the events of one run so WatchRun works
 * whichever replica drives the run. Delivery is at most once and in publish order per channel;
 * messages published while a subscriber is not (yet) subscribed are not replayed, so a watcher
 * reads the current state first and treats events as updates on top of it.
 */
export interface EventBus {
  /** Sends `message` to every current subscriber of `channel` (on every replica). */
  publish(channel: string, message: string): Promise<void>;
  /** Registers `onMessage`; resolves once messages published from now on will be delivered. */
  subscribe(channel: string, onMessage: MessageHandler): Promise<Subscription>;
}

/** Calls a handler so that neither a throw nor a rejection escapes into the bus. */
export function deliver(handler: MessageHandler, message: string, channel: string, logger: Logger): void {
  const report = (err: unknown): void =>
    logger.error({ component: "events", channel, err }, "event subscriber failed");
  try {
    const result = handler(message);
    if (result instanceof Promise) result.catch(report);
  } catch (err) {
    report(err);
  }
}
