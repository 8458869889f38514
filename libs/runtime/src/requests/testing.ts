/**
 * For the request scanners' tests: the least CPU time (ms, the whole process) of five samples, each
 * `work` run `times` times — the sample least disturbed by the rest of the machine. The tests compare
 * two of these (a ratio within one process), never one against a budget: a ratio holds on a slow
 * machine as on a fast one.
 */
export function leastCpuMs(work: () => unknown, times = 1): number {
  let least = Infinity;
  for (let sample = 0; sample < 5; sample++) {
    const before = process.cpuUsage();
    for (let i = 0; i < times; i++) work();
    const used = process.cpuUsage(before);
    least = Math.min(least, (used.user + used.system) / 1000);
  }
  return least;
}
