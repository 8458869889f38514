import { rmSync } from "node:fs";
import { crashExecutor } from "./kill-executor";
import { startPlatform, type ExecutorProcess, type TestPlatform } from "./platform";
import { sharedScratch } from "./scratch";

/** What a suite of executor crashes works with; set once its `beforeAll` ran. */
export interface CrashSuite {
  /** The services, without an executor of their own: the tests spawn theirs (spawnExecutor). */
  readonly p: TestPlatform;
  /** A scratch folder steps may write their side effects to (SANDBOX_WRITE_PATHS). */
  readonly dir: string;
  /** The executors the tests spawned: SIGKILLed (if still running) after the suite. */
  readonly children: ExecutorProcess[];
}

/**
 * Sets up a describe block whose tests kill executors: a platform without executors, a shared scratch
 * folder named `scratchPrefix…`, and after the suite every spawned executor SIGKILLed, the platform
 * stopped and the folder removed. Read the fields inside tests (they are set in `beforeAll`).
 */
export function crashSuite(scratchPrefix: string): CrashSuite {
  const state: { p?: TestPlatform; dir?: string; children: ExecutorProcess[] } = { children: [] };
  beforeAll(async () => {
    state.p = await startPlatform({ executors: 0 });
    state.dir = sharedScratch(scratchPrefix);
  });
  afterAll(async () => {
    for (const child of state.children) await crashExecutor(child);
    await state.p?.stop();
    if (state.dir) rmSync(state.dir, { recursive: true, force: true });
  });
  const set = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`crashSuite: ${what} is read before its beforeAll ran`);
    return value;
  };
  return {
    get p() {
      return set(state.p, "the platform");
    },
    get dir() {
      return set(state.dir, "the scratch folder");
    },
    children: state.children,
  };
}
