import { type Logger } from "../logger.js";
import { deliver, type EventBus, type MessageHandler, type Subscription } from "./event-bus.js";

/** Options of {@link MemoryEventBus}. */
export interface MemoryEventBusOptions {
  /** Where failures of subscribers are reported. */
  logger: Logger;
}

interface Listener {
  readonly onMessage: MessageHandler;
  active: boolean;
}

/**
 * In-process event bus for single-node mode. Delivery is asynchronous (a microtask after publish,
 * as from Redis) and in publish order; subscribers closed before delivery do not receive it.
 */
export class MemoryEventBus implements EventBus {
  private readonly channels = new Map<string, Set<Listener>>();
  private readonly logger: Logger;

  constructor(options: MemoryEventBusOptions) {
    this.logger = options.logger;
  }

  async publish(channel: string, message: string): Promise<void> {
    const listeners = this.channels.get(channel);
    if (listeners === undefined) return;
    const targets = [...listeners];
    queueMicrotask(() => {
      for (const listener of targets) {
        if (listener.active) deliver(listener.onMessage, message, channel, this.logger);
      }
    });
  }

  async subscribe(channel: string, onMessage: MessageHandler): Promise<Subscription> {
    const listener: Listener = { onMessage, active: true };
    let listeners = this.channels.get(channel);
    if (listeners === undefined) {
      listeners = new Set();
      this.channels.set(channel, listeners);
    }
    listeners.add(listener);
    return {
      close: async () => {
        listener.active = false;
        const current = this.channels.get(channel);
        if (current === undefined) return;
        current.delete(listener);
        if (current.size === 0) this.channels.delete(channel);
      },
    };
  }
}
