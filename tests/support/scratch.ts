import { chmodSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A fresh folder sandboxed steps may write (give it to the executors as SANDBOX_WRITE_PATHS): where
 * end-to-end tests let scripts leave side effects the test then counts. World-writable, as the
 * sandbox's user is not the test's.
 */
export function sharedScratch(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o777);
  return dir;
}
