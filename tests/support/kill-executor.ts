import type { ExecutorProcess } from "./platform";

/**
 * SIGKILLs an executor started by `spawnExecutor`, like a crash, and waits until it is gone. Nothing
 * the executor started itself is killed: its sandboxed scripts run in their own process groups and
 * live on as orphans, as they would after a real crash.
 */
export async function crashExecutor(proc: ExecutorProcess): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.child.once("exit", resolve));
  proc.child.kill("SIGKILL");
  await exited;
}
