import type { ExecutorProcess } from "./platform";

/**
 * SIGKILLs an executor started by `spawnExecutor`, like a crash, and waits until it is gone. Its steps'
 * processes are not killed by the test: they
 * die with it: bubblewrap gives each sandbox --die-with-parent and a PID namespace of its own.
 */
export async function crashExecutor(proc: ExecutorProcess): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.child.once("exit", resolve));
  proc.child.kill("SIGKILL");
  await exited;
}
