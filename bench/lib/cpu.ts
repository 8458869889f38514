import { readFileSync } from "node:fs";
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
  readonly loop: EventLoopUtilization;
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

function read(): Reading {
  return {
    wall: performance.now(),
    process: process.cpuUsage(),
    machineTicks: machineTicks(),
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
  return {
    wallMs,
    processMs: (used.user + used.system) / 1000,
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
  return {
    process_ms: r3(processMs / Math.max(1, units)),
    main_thread_busy: r3(wallMs > 0 ? (sum((s) => s.mainThreadActiveMs) ?? 0) / wallMs : 0),
    ...(machineMs === undefined
      ? {}
      : {
          machine_ms: r3(machineMs / Math.max(1, units)),
          machine_busy: r3(wallMs > 0 ? machineMs / (wallMs * cpus().length) : 0),
        }),
  };
}
