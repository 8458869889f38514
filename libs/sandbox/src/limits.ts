/** What one sandboxed process tree may use. Applied with setrlimit (prlimit) inside the sandbox. */
export interface ProcessLimits {
  /** Address space per process (RLIMIT_AS), bytes; 0 = no cap. */
  readonly memoryBytes: number;
  /** CPU time per process (RLIMIT_CPU), seconds: SIGXCPU at the limit, SIGKILL a second later. */
  readonly cpuSeconds: number;
  /** Processes and threads of the sandbox together (RLIMIT_NPROC, counted in its own user namespace). */
  readonly processes: number;
  /** Largest file a process may write (RLIMIT_FSIZE), bytes. */
  readonly fileSizeBytes: number;
  /** Open file descriptors per process (RLIMIT_NOFILE). */
  readonly openFiles: number;
}

/** Defaults for what a step's configuration does not set. */
export const DEFAULT_LIMITS: ProcessLimits = Object.freeze({
  memoryBytes: 512 * 1024 * 1024,
  cpuSeconds: 60,
  processes: 64,
  fileSizeBytes: 64 * 1024 * 1024,
  openFiles: 256,
});

/**
 * `prlimit` options setting every limit, soft = hard (CPU: hard one second later, so the process first
 * gets SIGXCPU) and no core dumps. The sandboxed user cannot raise them again.
 */
export function prlimitArgs(limits: ProcessLimits): string[] {
  const cpu = Math.max(1, Math.ceil(limits.cpuSeconds));
  return [
    ...(limits.memoryBytes > 0 ? [`--as=${Math.floor(limits.memoryBytes)}`] : []),
    `--cpu=${cpu}:${cpu + 1}`,
    `--nproc=${limits.processes}`,
    `--fsize=${Math.floor(limits.fileSizeBytes)}`,
    `--nofile=${limits.openFiles}`,
    "--core=0",
  ];
}

/** Checks limits before they reach a command line; throws RangeError naming the bad one. */
export function checkLimits(limits: ProcessLimits): ProcessLimits {
  const whole = (name: keyof ProcessLimits, min: number) => {
    const value = limits[name];
    if (!Number.isFinite(value) || value < min)
      throw new RangeError(`${name} must be >= ${min}, got ${value}`);
  };
  whole("memoryBytes", 0);
  whole("cpuSeconds", 1);
  whole("processes", 4);
  whole("fileSizeBytes", 1024);
  whole("openFiles", 16);
  return limits;
}

/**
 * The limits as (resource, soft, hard) triples with Linux's RLIMIT_* names, for a command that sets
 * them on itself (`setsOwnLimits`); the same values {@link prlimitArgs} gives, 0 meaning unlimited
 * only for the address space.
 */
export function rlimitsOf(limits: ProcessLimits): [string, number, number][] {
  const cpu = Math.max(1, Math.ceil(limits.cpuSeconds));
  return [
    ...(limits.memoryBytes > 0
      ? [
          ["RLIMIT_AS", Math.floor(limits.memoryBytes), Math.floor(limits.memoryBytes)] as [
            string,
            number,
            number,
          ],
        ]
      : []),
    ["RLIMIT_CPU", cpu, cpu + 1],
    ["RLIMIT_NPROC", limits.processes, limits.processes],
    ["RLIMIT_FSIZE", Math.floor(limits.fileSizeBytes), Math.floor(limits.fileSizeBytes)],
    ["RLIMIT_NOFILE", limits.openFiles, limits.openFiles],
    ["RLIMIT_CORE", 0, 0],
  ];
}
