import { MemoryEventBus } from "@mcp/coordination";
import { createLogger } from "@mcp/runtime";
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
});
