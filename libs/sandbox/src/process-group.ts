/**
 * Sends `signal` to every process in the group led by `pid` (a child spawned with `detached: true`),
 * so grandchildren the child started die with it. Returns false when the group is already gone.
 */
export function killProcessGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ESRCH" || code === "EPERM") return false;
    throw error;
  }
}
