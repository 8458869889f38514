import { mkdir, rm, stat } from "node:fs/promises";

const POLL_MS = 200;

/** The lock was still held by someone else when the deadline passed. */
export class DirLockTimeoutError extends Error {
  constructor(readonly path: string) {
    super(`timed out waiting for lock ${path}`);
    this.name = "DirLockTimeoutError";
  }
}

/**
 * A lock between processes sharing a folder: `mkdir` of `path` is atomic, so whoever creates it holds
 * the lock. A lock older than `staleAfterMs` is taken to belong to a dead holder and broken.
 * Resolves with a release function, or rejects with DirLockTimeoutError once `deadline` (epoch ms) passes.
 */
export async function acquireDirLock(
  path: string,
  staleAfterMs: number,
  deadline: number,
): Promise<() => Promise<void>> {
  for (;;) {
    try {
      await mkdir(path);
      return () => rm(path, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const since = await stat(path).then(
      (s) => s.mtimeMs,
      () => undefined,
    );
    if (since !== undefined && Date.now() - since > staleAfterMs) {
      await rm(path, { recursive: true, force: true });
      continue;
    }
    if (Date.now() >= deadline) throw new DirLockTimeoutError(path);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
