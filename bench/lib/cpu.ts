import { readdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { performance, type EventLoopUtilization } from "node:perf_hooks";

/**
 * CPU time spent while something ran: by the whole machine (every process: this one, PostgreSQL,
 * Redis, the services when they run in processes of their own, the kernel) and by this process alone,
 * and how busy this process's main thread (its event loop) was.
 * The machine's figure comes from /proc/stat (Linux), in clock ticks of 10 ms, so it is only read over
 * spans of a few hundred milliseconds or more; elsewhere it is undefined.
 */
export interface CpuSpent {
  /** Wall time of the span (ms). */
  readonly wallMs: number;
  /** CPU this process used (user + system, every thread) (ms). */
  readonly processMs: number;
  /** The user and system parts of {@link processMs} (ms). */
  readonly processUserMs: number;
  readonly processSystemMs: number;
  /**
   * {@link processMs} split between this process's main thread and its other threads (V8's GC and
   * compiler workers, libuv's pool), from /proc/self/task in ticks of 10 ms; undefined elsewhere.
   */
  readonly mainThreadMs: number | undefined;
  readonly otherThreadsMs: number | undefined;
  /** CPU every process on the machine used (user, nice, system, irq, softirq) (ms). */
  readonly machineMs: number | undefined;
  /** machineMs / (wall × cores): 1 = every core busy all the time. */
  readonly machineBusy: number | undefined;
  /** Time this process's event loop spent running code rather than waiting for I/O (ms). */
  readonly mainThreadActiveMs: number;
}

interface Reading {
  readonly wall: number;
  readonly process: NodeJS.CpuUsage;
  readonly machineTicks: number | undefined;
  readonly threadCpu: ThreadCpu | undefined;
  readonly loop: EventLoopUtilization;
}

/** CPU (user + system, ms) this process's main thread and its other threads have used. */
interface ThreadCpu {
  readonly main: number;
  readonly others: number;
}

/** USER_HZ: the unit of /proc/stat (100 on every Linux this runs on). */
const TICK_MS = 10;

function machineTicks(): number | undefined {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
    if (!line.startsWith("cpu ")) return undefined;
    // user nice system idle iowait irq softirq steal ...: idle, iowait and steal are not this machine's work
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    let busy = 0;
    for (const i of [0, 1, 2, 5, 6]) {
      const ticks = fields[i];
      if (ticks === undefined || !Number.isFinite(ticks)) return undefined;
      busy += ticks;
    }
    return busy;
  } catch {
    return undefined;
  }
}

/**
 * CPU (user + system, ms) a process or thread has used, from its `/proc/…/stat` text (utime and
 * stime: fields 14 and 15, the 12th and 13th after its parenthesised name); NaN when it is not one.
 */
export function statCpuMs(stat: string): number {
  const fields = stat.split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/**
 * The CPU of this process's threads so far (Linux). A thread that ended between two readings takes
 * its ticks with it, so the other threads' figure counts the long-lived ones (V8's and libuv's).
 */
function threadCpu(): ThreadCpu | undefined {
  let tids: string[];
  try {
    tids = readdirSync("/proc/self/task");
  } catch {
    return undefined; // not Linux
  }
  let main = 0;
  let others = 0;
  for (const tid of tids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    } catch {
      continue; // ended since the listing
    }
    const ms = statCpuMs(stat);
    if (!Number.isFinite(ms)) return undefined;
    if (tid === String(process.pid)) main += ms;
    else others += ms;
  }
  return { main, others };
}

function read(): Reading {
  return {
    wall: performance.now(),
    process: process.cpuUsage(),
    machineTicks: machineTicks(),
    threadCpu: threadCpu(),
    loop: performance.eventLoopUtilization(),
  };
}

function since(start: Reading): CpuSpent {
  const end = read();
  const wallMs = end.wall - start.wall;
  const used = process.cpuUsage(start.process);
  const machineMs =
    start.machineTicks === undefined || end.machineTicks === undefined
      ? undefined
      : (end.machineTicks - start.machineTicks) * TICK_MS;
  const threads =
    start.threadCpu === undefined || end.threadCpu === undefined
      ? undefined
      : {
          main: end.threadCpu.main - start.threadCpu.main,
          others: end.threadCpu.others - start.threadCpu.others,
        };
  return {
    wallMs,
    processMs: (used.user + used.system) / 1000,
    processUserMs: used.user / 1000,
    processSystemMs: used.system / 1000,
    mainThreadMs: threads?.main,
    otherThreadsMs: threads?.others,
    machineMs,
    machineBusy: machineMs === undefined || wallMs <= 0 ? undefined : machineMs / (wallMs * cpus().length),
    mainThreadActiveMs: performance.eventLoopUtilization(end.loop, start.loop).active,
  };
}

/** Runs `fn` and says what CPU it took, on this process and on the machine. */
export async function cpuSpent<T>(fn: () => Promise<T>): Promise<{ result: T; cpu: CpuSpent }> {
  const start = read();
  const result = await fn();
  return { result, cpu: since(start) };
}

/** CPU per unit of work over several spans: the sums divided by the units done in them. */
export interface CpuPerUnit {
  /** This process's CPU per unit (ms). */
  readonly process_ms: number;
  /** The machine's CPU per unit (ms); absent where /proc/stat is not readable. */
  readonly machine_ms?: number;
  /** The machine's CPU over the spans as a share of all its cores' time (1 = saturated). */
  readonly machine_busy?: number;
  /** This process's event loop: the share of the spans' wall time it spent running code (1 = saturated). */
  readonly main_thread_busy: number;
  /** {@link process_ms} of this process's main thread and of its other threads; absent off Linux. */
  readonly main_thread_ms?: number;
  readonly other_threads_ms?: number;
}

/** Sums spans of {@link cpuSpent} done for `units` units of work in all into per-unit figures. */
export function perUnit(spans: readonly CpuSpent[], units: number): CpuPerUnit {
  const sum = (pick: (s: CpuSpent) => number | undefined) => {
    let total = 0;
    for (const s of spans) {
      const v = pick(s);
      if (v === undefined) return undefined;
      total += v;
    }
    return total;
  };
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  const processMs = sum((s) => s.processMs) ?? 0;
  const machineMs = sum((s) => s.machineMs);
  const wallMs = sum((s) => s.wallMs) ?? 0;
  const mainMs = sum((s) => s.mainThreadMs);
  const othersMs = sum((s) => s.otherThreadsMs);
  return {
    process_ms: r3(processMs / Math.max(1, units)),
    main_thread_busy: r3(wallMs > 0 ? (sum((s) => s.mainThreadActiveMs) ?? 0) / wallMs : 0),
    ...(machineMs === undefined
      ? {}
      : {
          machine_ms: r3(machineMs / Math.max(1, units)),
          machine_busy: r3(wallMs > 0 ? machineMs / (wallMs * cpus().length) : 0),
        }),
    ...(mainMs === undefined || othersMs === undefined
      ? {}
      : {
          main_thread_ms: r3(mainMs / Math.max(1, units)),
          other_threads_ms: r3(othersMs / Math.max(1, units)),
        }),
  };
}
