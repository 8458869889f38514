import { readdir, readFile } from "node:fs/promises";

/** A process and its tasks (its threads, the process itself among them). */
export interface ProcessTasks {
  readonly pid: number;
  readonly tids: readonly number[];
}

/**
 * The processes under `rootPid`, the root itself not included, each with its tasks. Walks
 * `/proc/<pid>/task/<tid>/children`; a process that ends meanwhile simply drops out. Empty when the
 * root is gone.
 */
export async function processesBelow(rootPid: number): Promise<ProcessTasks[]> {
  const found: ProcessTasks[] = [];
  const pending = await childrenOf(rootPid, await tasksOf(rootPid));
  const seen = new Set<number>();
  while (pending.length > 0) {
    const pid = pending.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    const tids = await tasksOf(pid);
    found.push({ pid, tids });
    pending.push(...(await childrenOf(pid, tids)));
  }
  return found;
}

/**
 * How many tasks (processes and their threads) run under `rootPid`, the root itself not counted:
 * what RLIMIT_NPROC counts inside a sandbox whose root is bubblewrap's outer process. 0 when the
 * root is gone.
 */
export async function countTasksBelow(rootPid: number): Promise<number> {
  let count = 0;
  for (const { tids } of await processesBelow(rootPid)) count += tids.length;
  return count;
}

async function childrenOf(pid: number, tids: readonly number[]): Promise<number[]> {
  const lists = await Promise.all(tids.map((tid) => readChildren(pid, tid)));
  return lists.flat();
}

async function tasksOf(pid: number): Promise<number[]> {
  try {
    return (await readdir(`/proc/${pid}/task`)).map(Number);
  } catch {
    return [];
  }
}

async function readChildren(pid: number, tid: number): Promise<number[]> {
  try {
    return (await readFile(`/proc/${pid}/task/${tid}/children`, "utf8"))
      .split(" ")
      .filter((s) => s !== "" && s !== "\n")
      .map(Number);
  } catch {
    return [];
  }
}
