import { commandLineOf, processesBelow, processIsGone } from "@mcp/sandbox/testing";
import type { ExecutorProcess } from "./platform";
import { waitFor } from "./wait-for";

/**
 * SIGKILLs an executor started by `spawnExecutor`, like a crash, waits until it is gone, then until
 * every process it had started is gone too — failing when one outlives it. The test kills none of
 * them: its steps' sandboxes die with it (bubblewrap's --die-with-parent, the sandbox's own PID
 * namespace, and the start gate for one started an instant before the kill; docs/sandbox.md).
 */
export async function crashExecutor(proc: ExecutorProcess): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const started = (proc.child.pid === undefined ? [] : await processesBelow(proc.child.pid)).map(
    ({ pid }) => ({ pid, command: commandLineOf(pid)?.slice(0, 120) ?? "(ended)" }),
  );
  const exited = new Promise((resolve) => proc.child.once("exit", resolve));
  proc.child.kill("SIGKILL");
  await exited;
  await waitFor(
    "the processes of the killed executor to end with it",
    async () => {
      const left = started.filter((p) => !processIsGone(p.pid));
      if (left.length === 0) return true;
      throw new Error(`still running: ${left.map((p) => `${p.pid} ${p.command}`).join("; ")}`);
    },
    { timeoutMs: 10_000 },
  );
}
