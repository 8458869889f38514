import { create, fromBinary } from "@bufbuild/protobuf";
import type { EventBus } from "@mcp/coordination";
import { RunEventSchema, StepRunSchema, type RunEvent } from "@mcp/proto/executor";
import { RunEvents } from "./run-events.js";

const step = (stepId: string) => ({ case: "stepUpdated" as const, value: create(StepRunSchema, { stepId }) });

/** A bus that records what reaches it (decoded) and can be told to fail. */
function recordingBus(): EventBus & { sent: Array<[string, RunEvent]>; failWith?: Error } {
  const bus: EventBus & { sent: Array<[string, RunEvent]>; failWith?: Error } = {
    sent: [],
    publish: async (channel, message) => {
      if (bus.failWith) throw bus.failWith;
      bus.sent.push([channel, fromBinary(RunEventSchema, Buffer.from(message, "base64"))]);
    },
    subscribe: async () => ({ close: async () => undefined }),
  };
  return bus;
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("RunEvents", () => {
  it("tells this process's listeners at once and publishes on the loop's next turn, in order", async () => {
    const bus = recordingBus();
    const events = new RunEvents(bus);
    const heard: bigint[] = [];
    const stop = events.listen("r", (event) => heard.push(event.sequence));

    events.emit("r", 1n, step("a"));
    events.emit("other", 1n, step("x"));
    events.emit("r", 2n, step("b"));
    // the emitting code goes on before anything is encoded or sent
    expect(heard).toEqual([1n, 2n]);
    expect(bus.sent).toEqual([]);
    await Promise.resolve();
    expect(bus.sent).toEqual([]);

    await turn();
    const stepOf = (event: RunEvent) => (event.event.case === "stepUpdated" ? event.event.value.stepId : "");
    expect(bus.sent.map(([channel, event]) => [channel, event.sequence, stepOf(event)])).toEqual([
      ["run:r", 1n, "a"],
      ["run:other", 1n, "x"],
      ["run:r", 2n, "b"],
    ]);
    stop();
  });

  it("resolves publish once the bus has the event, and keeps it behind events emitted before it", async () => {
    const bus = recordingBus();
    const events = new RunEvents(bus);
    events.emit("r", 1n, step("a"));
    await events.publish("r", 2n, step("b"));
    expect(bus.sent.map(([, event]) => event.sequence)).toEqual([1n, 2n]);
  });

  it("rejects publish and reports an emit when the bus fails; later events still go", async () => {
    const bus = recordingBus();
    const failures: unknown[] = [];
    const events = new RunEvents(bus, (err) => failures.push(err));
    bus.failWith = new Error("redis down");
    events.emit("r", 1n, step("a"));
    await expect(events.publish("r", 2n, step("b"))).rejects.toThrow("redis down");
    expect(failures).toEqual([bus.failWith]);

    delete bus.failWith;
    await events.publish("r", 3n, step("c"));
    expect(bus.sent.map(([, event]) => event.sequence)).toEqual([3n]);
  });

  it("drain sends what waits at once (before closing the bus)", async () => {
    const bus = recordingBus();
    const events = new RunEvents(bus);
    events.emit("r", 1n, step("a"));
    events.emit("r", 2n, step("b"));
    await events.drain();
    expect(bus.sent.map(([, event]) => event.sequence)).toEqual([1n, 2n]);
    await turn();
    expect(bus.sent).toHaveLength(2);
  });
});
