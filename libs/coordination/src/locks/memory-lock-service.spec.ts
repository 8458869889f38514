import { lockServiceContract } from "./lock-service.contract.js";
import { MemoryLockService } from "./memory-lock-service.js";

describe("MemoryLockService", () => {
  const locks = new MemoryLockService();

  lockServiceContract(() => locks);

  it("expires leases by its injected clock", async () => {
    let now = 0;
    const clocked = new MemoryLockService({ now: () => now });
    const first = await clocked.acquire("k", 1_000);
    now = 999;
    expect(await clocked.acquire("k", 1_000)).toBeUndefined();
    now = 1_000;
    const second = await clocked.acquire("k", 1_000);
    expect(second).toBeDefined();
    expect(await first!.release()).toBe(false);
    expect(await second!.release()).toBe(true);
  });
});
