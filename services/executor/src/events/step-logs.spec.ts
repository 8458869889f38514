import { create } from "@bufbuild/protobuf";
import { MemoryEventBus, type EventBus } from "@mcp/coordination";
import { RunStatus, RunStatusChangedSchema, StepRunSchema, StepStatus } from "@mcp/proto/executor";
import { createLogger } from "@mcp/runtime";
import { RunEvents } from "./run-events.js";
import { StepLogs, type StepLogMessage } from "./step-logs.js";

const bus = () => new MemoryEventBus({ logger: createLogger({ service: "test", level: "silent" }) });

/** Resolves when `messages` holds an end message. */
const ended = (messages: StepLogMessage[]) =>
  new Promise<void>((resolve) => {
    const check = () => (messages.some((m) => m.kind === "end") ? resolve() : setTimeout(check, 5));
    check();
  });

describe("StepLogs", () => {
  it("batches a step's output per stream, in order, and ends once", async () => {
    const logs = new StepLogs(bus(), { flushMs: 10, maxBytesPerFlush: 1024, backlogBytes: 1024 });
    const got: StepLogMessage[] = [];
    const stop = await logs.follow("r", "s", (m) => got.push(m));
    const w = logs.writer("r", "s");
    w.write("stdout", Buffer.from("a\n"));
    w.write("stdout", Buffer.from("b\n"));
    w.write("stderr", Buffer.from("oops\n"));
    w.end();
    w.end();
    await ended(got);
    stop();
    expect(got).toEqual([
      { kind: "chunk", seq: 1, stream: "stdout", text: "a\nb\n" },
      { kind: "chunk", seq: 2, stream: "stderr", text: "oops\n" },
      { kind: "end", seq: 3 },
    ]);
  });

  it("cuts a flood at maxBytesPerFlush and says how much it skipped", async () => {
    const logs = new StepLogs(bus(), { flushMs: 10, maxBytesPerFlush: 4, backlogBytes: 1024 });
    const got: StepLogMessage[] = [];
    const stop = await logs.follow("r", "s", (m) => got.push(m));
    const w = logs.writer("r", "s");
    w.write("stdout", Buffer.from("0123456789"));
    w.end();
    await ended(got);
    stop();
    expect(got.map((m) => (m.kind === "chunk" ? m.text : "<end>"))).toEqual([
      "0123",
      "\n[live log: 6 bytes skipped]\n",
      "<end>",
    ]);
  });

  it("gives a late follower the running step's output from the start, each message once", async () => {
    const logs = new StepLogs(bus(), { flushMs: 1, maxBytesPerFlush: 1024, backlogBytes: 1024 });
    const w = logs.writer("r", "s");
    w.write("stdout", Buffer.from("early\n"));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const got: StepLogMessage[] = [];
    const stop = await logs.follow("r", "s", (m) => got.push(m));
    w.write("stdout", Buffer.from("late\n"));
    w.end();
    await ended(got);
    stop();
    expect(got.map((m) => (m.kind === "chunk" ? m.text : "<end>"))).toEqual(["early\n", "late\n", "<end>"]);
  });

  it("tells a follower here that an attempt which printed nothing ended; a later follower gets only the attempt running", async () => {
    const logs = new StepLogs(bus(), { flushMs: 1, maxBytesPerFlush: 1024, backlogBytes: 1024 });
    const got: StepLogMessage[] = [];
    const stop = await logs.follow("r", "s", (m) => got.push(m));
    const quiet = logs.writer("r", "s");
    quiet.end();
    await ended(got);
    stop();
    expect(got).toEqual([{ kind: "end", seq: 1 }]);

    // attempt 1 printed and ended, attempt 2 is printing: a follower now starts from attempt 2
    const first = logs.writer("r", "s");
    first.write("stdout", Buffer.from("one\n"));
    first.end();
    const second = logs.writer("r", "s");
    second.write("stdout", Buffer.from("two\n"));
    const late: StepLogMessage[] = [];
    const stopLate = await logs.follow("r", "s", (m) => late.push(m));
    second.end();
    await ended(late);
    stopLate();
    expect(late).toEqual([
      { kind: "chunk", seq: 1, stream: "stdout", text: "two\n" },
      { kind: "end", seq: 2 },
    ]);
  });

  it("ends an attempt on the bus with no message: a follower on another replica ends on the step's run event", async () => {
    const shared = bus();
    const channels: string[] = [];
    const recording: EventBus = {
      publish: (channel, message) => {
        channels.push(channel);
        return shared.publish(channel, message);
      },
      subscribe: (channel, onMessage) => shared.subscribe(channel, onMessage),
    };
    const events = new RunEvents(recording);
    const limits = { flushMs: 1, maxBytesPerFlush: 1024, backlogBytes: 1024 };
    const writing = new StepLogs(recording, limits, undefined, events);
    const following = new StepLogs(recording, limits, undefined, events);
    const got: StepLogMessage[] = [];
    const stop = await following.follow("r", "s", (m) => got.push(m));
    const step = (stepId: string, status: StepStatus) => ({
      case: "stepUpdated" as const,
      value: create(StepRunSchema, { stepId, status }),
    });

    const silent = writing.writer("r", "quiet");
    silent.end();
    const w = writing.writer("r", "s");
    w.write("stdout", Buffer.from("hi\n"));
    w.end();
    await until(() => got.length > 0);
    // the retry of a failed attempt, another step's end: the step is not over
    await events.publish("r", 2n, step("s", StepStatus.RETRYING));
    await events.publish("r", 3n, step("other", StepStatus.SUCCEEDED));
    await events.publish("r", 4n, step("s", StepStatus.SUCCEEDED));
    await ended(got);
    expect(got).toEqual([
      { kind: "chunk", seq: 1, stream: "stdout", text: "hi\n" },
      { kind: "end", seq: 0 },
    ]);
    expect(channels.filter((c) => c.startsWith("logs:"))).toEqual(["logs:r:s"]);

    // the run's end ends a follower too
    const later: StepLogMessage[] = [];
    const stopLater = await following.follow("r", "t", (m) => later.push(m));
    await events.publish("r", 5n, {
      case: "runStatus",
      value: create(RunStatusChangedSchema, { status: RunStatus.CANCELLED }),
    });
    await ended(later);
    stop();
    stopLater();
  });
});

const until = async (cond: () => boolean) => {
  while (!cond()) await new Promise((resolve) => setTimeout(resolve, 2));
};
