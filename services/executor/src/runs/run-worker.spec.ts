import { MemoryEventBus, MemoryLockService, type Lock } from "@mcp/coordination";
import type { RunStore, WorkflowRunEntity } from "@mcp/db";
import { createLogger } from "@mcp/runtime";
import { RunEvents } from "../events/run-events.js";
import type { RunDriver } from "./run-driver.js";
import { RunWorker } from "./run-worker.js";

const logger = createLogger({ service: "test", level: "silent" });

/** A worker whose driver takes real (in-memory) locks and records what it was asked to drive. */
function worker() {
  const locks = new MemoryLockService();
  const driven: { runId: string; lock: Lock | null | undefined }[] = [];
  const driver = {
    lockNew: async (runId: string) => (await locks.acquire(`run:${runId}`, 60_000)) ?? null,
    drive: async (
      run: WorkflowRunEntity,
      _stop: AbortSignal,
      options: { lock?: Promise<Lock | null | undefined> },
    ) => {
      driven.push({ runId: run.id, lock: await options.lock });
      return undefined;
    },
  } as unknown as RunDriver;
  const subject = new RunWorker(
    {} as RunStore,
    driver,
    new RunEvents(new MemoryEventBus({ logger })),
    logger,
    {
      owner: "me",
      leaseMs: 60_000,
      maxConcurrentRuns: 2,
      pollMs: 60_000,
    },
  );
  const heldByOthers = async (runId: string) => {
    const mine = await locks.acquire(`run:${runId}`, 60_000);
    await mine?.release();
    return mine === undefined;
  };
  return { subject, driven, heldByOthers };
}

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
};

describe("RunWorker.reserve", () => {
  it("chooses the run's id and takes its lock before the run is created", async () => {
    const { subject, heldByOthers } = worker();
    const slot = subject.reserve();
    expect(slot?.claim).toMatchObject({ owner: "me", leaseMs: 60_000 });
    expect(slot?.claim.runId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await heldByOthers(slot!.claim.runId)).toBe(true);
    slot!.release();
  });

  it("drives the run created with the claim under the lock it took", async () => {
    const { subject, driven } = worker();
    const slot = subject.reserve()!;
    slot.drive({ id: slot.claim.runId } as WorkflowRunEntity);
    await until(() => driven.length === 1);
    expect(driven[0]?.runId).toBe(slot.claim.runId);
    expect(driven[0]?.lock?.key).toBe(`run:${slot.claim.runId}`);
  });

  it("gives the lock back when released without a run driven (an earlier request's run, or a failed create)", async () => {
    const { subject, heldByOthers } = worker();
    const slot = subject.reserve()!;
    slot.release();
    // the release is sent once the lock's own answer is in
    let free = false;
    for (let i = 0; i < 100 && !free; i += 1) {
      free = !(await heldByOthers(slot.claim.runId));
      if (!free) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(free).toBe(true);
  });

  it("does not hand its lock to a run of another id, and gives it back", async () => {
    const { subject, driven, heldByOthers } = worker();
    const slot = subject.reserve()!;
    slot.drive({ id: "other" } as WorkflowRunEntity);
    await until(() => driven.length === 1);
    expect(driven[0]).toEqual({ runId: "other", lock: undefined });
    let free = false;
    for (let i = 0; i < 100 && !free; i += 1) {
      free = !(await heldByOthers(slot.claim.runId));
      if (!free) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(free).toBe(true);
  });

  it("counts a reservation against capacity until it is driven or released", () => {
    const { subject } = worker();
    const first = subject.reserve();
    const second = subject.reserve();
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(subject.reserve()).toBeUndefined();
    first!.release();
    second!.release();
    expect(subject.reserve()).toBeDefined();
  });
});
