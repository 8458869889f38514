import type { RunWithSteps, WorkflowRunEntity } from "@mcp/db";
import { EndedRuns } from "./ended-runs.js";
import type { WorkflowRun } from "@mcp/proto/executor";
import { RunLauncher } from "./run-launcher.js";
import type { RunReader } from "./run-reader.js";
import type { Started } from "./run-starter.js";
import type { RunEndSubscription, RunWatcher } from "./run-watcher.js";
import type { Reservation } from "./run-worker.js";

const entity = (id: string) => ({ id, eventSeq: "4" }) as WorkflowRunEntity;
const answer = (id: string, how: string) => ({ id, status: how }) as unknown as WorkflowRun;

/** A launcher over fakes that record, in `calls`, what it did in which order. */
function launcher(options: { room: boolean; endedRuns?: EndedRuns }) {
  const calls: string[] = [];
  const claim = { owner: "me", leaseMs: 1_000 } as Reservation["claim"];
  const subscription = {
    listenElsewhere: () => {
      calls.push("listenElsewhere");
      return Promise.resolve();
    },
    close: () => {
      calls.push("close");
      return Promise.resolve();
    },
  } as unknown as RunEndSubscription;
  const reader = {
    get: (_workspace: string | null, id: string) => {
      calls.push(`get ${id}`);
      return Promise.resolve(answer(id, "now"));
    },
    waitForEnd: (
      _workspace: string | null,
      id: string,
      _timeoutMs: number,
      _signal: AbortSignal,
      from?: { ended?: () => RunWithSteps | undefined },
    ) => {
      calls.push(`waitForEnd ${id}${from ? " (subscribed)" : ""}`);
      const ended = from?.ended?.();
      if (ended) calls.push(`ended ${ended.run.id} handed over`);
      return Promise.resolve(answer(id, "ended"));
    },
  } as unknown as RunReader;
  const watcher = {
    subscribeToEnd: (id: string) => {
      calls.push(`subscribe ${id}`);
      return subscription;
    },
  } as unknown as RunWatcher;
  const reservation: Reservation = {
    claim,
    drive: (run) => {
      calls.push(`drive ${run.id}`);
      // the driver ends the run at once, reading it back when someone here waits for it
      if (options.endedRuns?.expected(run.id)) options.endedRuns.deliver(run.id, { run, steps: [] });
    },
    release: () => calls.push("release"),
  };
  const subject = new RunLauncher({
    starter: {
      fallback: (failed, name, given) => {
        calls.push(`fallback of ${failed.id} to ${name} ${given ? "claimed" : "unclaimed"}`);
        return Promise.resolve({ run: entity("f"), created: true });
      },
    },
    reader,
    watcher,
    reserve: () => {
      calls.push("reserve");
      return options.room ? reservation : undefined;
    },
    wake: (id) => {
      calls.push(`wake ${id}`);
      return Promise.resolve();
    },
    ...(options.endedRuns ? { endedRuns: options.endedRuns } : {}),
  });
  /** A `create` that records whether it was given this executor's claim. */
  const create =
    (started: Started) =>
    (given: Reservation["claim"] | undefined): Promise<Started> => {
      calls.push(`create ${given === claim ? "claimed" : given === undefined ? "unclaimed" : "?"}`);
      return Promise.resolve(started);
    };
  return { subject, calls, create };
}

const signal = new AbortController().signal;

describe("RunLauncher", () => {
  it("with room here, creates the run claimed and drives it here, then answers at once", async () => {
    const { subject, calls, create } = launcher({ room: true });
    const launched = await subject.launch(create({ run: entity("r"), created: true }), {
      wait: false,
      signal,
    });
    expect(launched).toEqual({ run: answer("r", "now"), created: true });
    expect(calls).toEqual(["reserve", "create claimed", "drive r", "get r", "release"]);
  });

  it("without room, creates the run unclaimed and wakes the other executors for it", async () => {
    const { subject, calls, create } = launcher({ room: false });
    await subject.launch(create({ run: entity("r"), created: true }), { wait: false, signal });
    expect(calls).toEqual(["reserve", "create unclaimed", "wake r", "get r"]);
  });

  it("a waiting caller subscribes before the run starts and waits from the sequence the creation took", async () => {
    const { subject, calls, create } = launcher({ room: true });
    const launched = await subject.launch(create({ run: entity("r"), created: true }), {
      wait: true,
      signal,
    });
    expect(launched.run).toEqual(answer("r", "ended"));
    expect(calls).toEqual([
      "reserve",
      "create claimed",
      "subscribe r",
      "drive r",
      "waitForEnd r (subscribed)",
      "release",
      "close",
    ]);
  });

  it("a waiting caller of a run driven here gets the run as its driver's end left it, and is forgotten once answered", async () => {
    const endedRuns = new EndedRuns();
    const { subject, calls, create } = launcher({ room: true, endedRuns });
    await subject.launch(create({ run: entity("r"), created: true }), { wait: true, signal });
    expect(calls).toEqual([
      "reserve",
      "create claimed",
      "subscribe r",
      "drive r",
      "waitForEnd r (subscribed)",
      "ended r handed over",
      "release",
      "close",
    ]);
    expect(endedRuns.expected("r")).toBe(false);
    // a caller that does not wait leaves nothing for the driver to read back
    await subject.launch(create({ run: entity("s"), created: true }), { wait: false, signal });
    expect(calls).not.toContain("ended s handed over");
  });

  it("a waiting caller of a run driven elsewhere listens to other executors before waking them", async () => {
    const { subject, calls, create } = launcher({ room: false });
    await subject.launch(create({ run: entity("r"), created: true }), { wait: true, signal });
    expect(calls).toEqual([
      "reserve",
      "create unclaimed",
      "subscribe r",
      "listenElsewhere",
      "wake r",
      "waitForEnd r (subscribed)",
      "close",
    ]);
  });

  it("a repeated request gets the earlier run, neither driven nor woken again", async () => {
    for (const wait of [false, true]) {
      const { subject, calls, create } = launcher({ room: true });
      const launched = await subject.launch(create({ run: entity("old"), created: false }), { wait, signal });
      expect(launched.created).toBe(false);
      expect(calls).toEqual(["reserve", "create claimed", wait ? "waitForEnd old" : "get old", "release"]);
    }
  });

  it("gives its room back when the run cannot be created", async () => {
    const { subject, calls } = launcher({ room: true });
    await expect(
      subject.launch(() => Promise.reject(new Error("no such workflow")), { wait: true, signal }),
    ).rejects.toThrow("no such workflow");
    expect(calls).toEqual(["reserve", "release"]);
  });

  it("starts a failed run's fallback through the same admission, without waiting for it", async () => {
    const { subject, calls } = launcher({ room: true });
    await expect(subject.fallback(entity("failed"), "cleanup")).resolves.toBe("f");
    expect(calls).toEqual([
      "reserve",
      "fallback of failed to cleanup claimed",
      "drive f",
      "get f",
      "release",
    ]);
  });
});
