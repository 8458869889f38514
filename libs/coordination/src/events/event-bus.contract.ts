// Behaviour every EventBus must show; run by the spec of each implementation.
import { randomUUID } from "node:crypto";
import { type LogEntry, waitFor } from "../testing.js";
import { type EventBus, type Subscription } from "./event-bus.js";

/** What the contract needs: two replicas (the same bus twice where there is one node) and their log. */
export interface EventBusSetup {
  replicas: [EventBus, EventBus];
  logEntries: LogEntry[];
}

const newChannel = (): string => `run-${randomUUID()}`;

/** A subscriber that records what it receives. */
async function listen(
  bus: EventBus,
  channel: string,
): Promise<{ received: string[]; subscription: Subscription }> {
  const received: string[] = [];
  const subscription = await bus.subscribe(channel, (message) => {
    received.push(message);
  });
  return { received, subscription };
}

/** Defines the shared event bus tests; `setup()` returns the buses under test (ready by then). */
export function eventBusContract(setup: () => EventBusSetup): void {
  const bus = (replica: 0 | 1): EventBus => setup().replicas[replica];

  it("delivers every message in publish order to every subscriber on every replica", async () => {
    const channel = newChannel();
    const subscribers = await Promise.all([
      listen(bus(0), channel),
      listen(bus(0), channel),
      listen(bus(1), channel),
    ]);
    const sent = Array.from({ length: 20 }, (_, i) => `event-${i}`);
    for (const message of sent) await bus(0).publish(channel, message);
    await waitFor(() => subscribers.every((s) => s.received.length >= sent.length), {
      what: "all deliveries",
    });
    for (const s of subscribers) expect(s.received).toEqual(sent);
    await Promise.all(subscribers.map((s) => s.subscription.close()));
  });

  it("stops delivering to a closed subscription and keeps delivering to the others", async () => {
    const channel = newChannel();
    const [closed, open] = await Promise.all([listen(bus(1), channel), listen(bus(1), channel)]);
    await bus(0).publish(channel, "before");
    await waitFor(() => closed.received.length === 1 && open.received.length === 1, {
      what: "the first event",
    });
    await closed.subscription.close();
    await bus(0).publish(channel, "after");
    await bus(0).publish(channel, "marker");
    await waitFor(() => open.received.includes("marker"), { what: "the marker" });
    expect(open.received).toEqual(["before", "after", "marker"]);
    expect(closed.received).toEqual(["before"]);
    await open.subscription.close();
  });

  it("delivers again to a new subscription after the last one on the channel closed", async () => {
    const channel = newChannel();
    const first = await listen(bus(1), channel);
    await first.subscription.close();
    const second = await listen(bus(1), channel);
    await bus(0).publish(channel, "again");
    await waitFor(() => second.received.length === 1, { what: "delivery to the new subscription" });
    expect(second.received).toEqual(["again"]);
    expect(first.received).toEqual([]);
    await second.subscription.close();
  });

  it("keeps channels apart", async () => {
    const [one, other] = [newChannel(), newChannel()];
    const [a, b] = await Promise.all([listen(bus(1), one), listen(bus(1), other)]);
    await bus(0).publish(one, "for-one");
    await bus(0).publish(other, "for-other");
    await waitFor(() => a.received.length === 1 && b.received.length === 1, { what: "both deliveries" });
    expect(a.received).toEqual(["for-one"]);
    expect(b.received).toEqual(["for-other"]);
    await Promise.all([a.subscription.close(), b.subscription.close()]);
  });

  it("keeps delivering to the others when a subscriber throws or rejects, and logs the failure", async () => {
    const channel = newChannel();
    const throwing = await bus(1).subscribe(channel, () => {
      throw new Error("boom");
    });
    const rejecting = await bus(1).subscribe(channel, async () => Promise.reject(new Error("async boom")));
    const healthy = await listen(bus(1), channel);
    await bus(0).publish(channel, "one");
    await bus(0).publish(channel, "two");
    await waitFor(() => healthy.received.length === 2, { what: "delivery to the healthy subscriber" });
    const failures = (): LogEntry[] =>
      setup().logEntries.filter(
        (e) => e.level === "error" && String((e.obj as { channel?: unknown }).channel).endsWith(channel),
      );
    await waitFor(() => failures().length >= 4, { what: "the failures to be logged" });
    expect(failures()).toHaveLength(4); // two subscribers failed on two messages each
    await Promise.all([throwing.close(), rejecting.close(), healthy.subscription.close()]);
  });

  it("lets a subscription be closed twice", async () => {
    const { subscription } = await listen(bus(0), newChannel());
    await subscription.close();
    await expect(subscription.close()).resolves.toBeUndefined();
  });
}
