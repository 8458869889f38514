import { readdirSync, readFileSync } from "node:fs";

/**
 * How many tasks (processes and their threads) run under `rootPid`, the root itself not counted:
 * what RLIMIT_NPROC counts inside a sandbox whose root is bubblewrap's outer process. Walks
 * `/proc/<pid>/task/<tid>/children`; a process that ends meanwhile simply drops out. 0 when the root
 * is gone.
 */
export function countTasksBelow(rootPid: number): number {
  let count = 0;
  const pending = childrenOf(rootPid);
  const seen = new Set<number>();
  while (pending.length > 0) {
    const pid = pending.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    const tids = tasksOf(pid);
    count += tids.length;
    for (const tid of tids) pending.push(...readChildren(pid, tid));
  }
  return count;
}

function childrenOf(pid: number): number[] {
  return tasksOf(pid).flatMap((tid) => readChildren(pid, tid));
}

function tasksOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    return [];
  }
}

function readChildren(pid: number, tid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8")
      .split(" ")
      .filter((s) => s !== "" && s !== "\n")
      .map(Number);
  } catch {
    return [];
  }
}
