// Behaviour every LockService must show; run by the spec of each implementation.
import { randomUUID } from "node:crypto";
import { InvalidArgumentError } from "@mcp/errors";
import { waitFor } from "../testing.js";
import { type Lock, type LockService } from "./lock-service.js";

const newKey = (): string => `run-${randomUUID()}`;
/** Long enough that the holder's next call comes before it ends, even on a loaded machine. */
const SHORT_TTL_MS = 1_500;
const LONG_TTL_MS = 60_000;

/** Defines the shared lock tests; `locks()` returns the service under test (ready by then). */
export function lockServiceContract(locks: () => LockService): void {
  /** Polls until `key` can be taken again (its holder's lease ran out), and returns the new lock. */
  async function acquireOnceFree(key: string): Promise<Lock> {
    let lock: Lock | undefined;
    await waitFor(async () => (lock = await locks().acquire(key, LONG_TTL_MS)) !== undefined, {
      what: `${key} to expire`,
    });
    return lock!;
  }

  it("lets a second acquirer in only after the holder releases", async () => {
    const key = newKey();
    const first = await locks().acquire(key, LONG_TTL_MS);
    expect(first).toBeDefined();
    expect(await locks().acquire(key, LONG_TTL_MS)).toBeUndefined();
    expect(await first!.release()).toBe(true);
    const second = await locks().acquire(key, LONG_TTL_MS);
    expect(second).toBeDefined();
    expect(second!.token).not.toBe(first!.token);
    await second!.release();
  });

  it("lets another holder in once the lease expires", async () => {
    const key = newKey();
    expect(await locks().acquire(key, SHORT_TTL_MS)).toBeDefined();
    const next = await acquireOnceFree(key);
    await next.release();
  });

  it("extends the lease of the current holder", async () => {
    const [key, witness] = [newKey(), newKey()];
    const lock = (await locks().acquire(key, SHORT_TTL_MS))!;
    await locks().acquire(witness, SHORT_TTL_MS); // same lease, to tell when the original one would end
    expect(await lock.extend(LONG_TTL_MS)).toBe(true);
    await (await acquireOnceFree(witness)).release();
    expect(await locks().acquire(key, LONG_TTL_MS)).toBeUndefined();
    await lock.release();
  });

  it("refuses to extend for a holder whose lease expired and was taken by another", async () => {
    const key = newKey();
    const stale = (await locks().acquire(key, SHORT_TTL_MS))!;
    const current = await acquireOnceFree(key);
    expect(await stale.extend(LONG_TTL_MS)).toBe(false);
    expect(await current.extend(LONG_TTL_MS)).toBe(true);
    await current.release();
  });

  it("does not let a stale holder release a lock re-acquired by another (compare-and-delete)", async () => {
    const key = newKey();
    const stale = (await locks().acquire(key, SHORT_TTL_MS))!;
    const current = await acquireOnceFree(key);
    expect(await stale.release()).toBe(false);
    expect(await locks().acquire(key, LONG_TTL_MS)).toBeUndefined();
    expect(await current.release()).toBe(true);
    expect(await current.release()).toBe(false);
  });

  it("seizes a held lock: the seizer holds it, the previous holder can neither extend nor release it", async () => {
    const key = newKey();
    const previous = (await locks().acquire(key, LONG_TTL_MS))!;
    const seized = await locks().seize(key, LONG_TTL_MS);
    expect(seized.token).not.toBe(previous.token);
    expect(await previous.extend(LONG_TTL_MS)).toBe(false);
    expect(await previous.release()).toBe(false);
    expect(await locks().acquire(key, LONG_TTL_MS)).toBeUndefined();
    expect(await seized.extend(LONG_TTL_MS)).toBe(true);
    expect(await seized.release()).toBe(true);
    expect(await (await locks().seize(newKey(), SHORT_TTL_MS)).release()).toBe(true);
  });

  it("rejects a lease that is not a positive number of milliseconds", async () => {
    await expect(locks().acquire(newKey(), 0)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(locks().acquire(newKey(), Number.NaN)).rejects.toBeInstanceOf(InvalidArgumentError);
  });
}
