import { recordingLogger } from "../testing.js";
import { eventBusContract } from "./event-bus.contract.js";
import { MemoryEventBus } from "./memory-event-bus.js";

describe("MemoryEventBus", () => {
  const logger = recordingLogger();
  const bus = new MemoryEventBus({ logger });

  // One node: both "replicas" are the same bus.
  eventBusContract(() => ({ replicas: [bus, bus], logEntries: logger.entries }));

  it("delivers after publish returns, never inside it", async () => {
    const received: string[] = [];
    const subscription = await bus.subscribe("c", (message) => {
      received.push(message);
    });
    const publishing = bus.publish("c", "m");
    expect(received).toEqual([]);
    await publishing;
    await Promise.resolve();
    expect(received).toEqual(["m"]);
    await subscription.close();
  });

  it("does not deliver a message published before the subscription was closed but not yet delivered", async () => {
    const received: string[] = [];
    const subscription = await bus.subscribe("c", (message) => {
      received.push(message);
    });
    const publishing = bus.publish("c", "m");
    await subscription.close();
    await publishing;
    await new Promise((resolve) => setImmediate(resolve));
    expect(received).toEqual([]);
  });
});
