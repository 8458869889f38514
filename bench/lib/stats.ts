/** Latency samples and how they are summarised: figures, never pass/fail. */

/** Percentiles of a set of samples, in milliseconds. */
export interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly mean: number;
}

/** Nearest-rank percentile of sorted samples. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length);
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    mean: round(mean),
  };
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** `a / b`, rounded; NaN when `b` is not positive. */
export const ratio = (a: number, b: number): number => (b > 0 ? round(a / b) : Number.NaN);

/** Milliseconds `fn` took. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** A closed-loop load: `total` calls by `concurrency` workers; every call's latency and the wall time. */
export async function closedLoop(
  total: number,
  concurrency: number,
  call: (i: number) => Promise<unknown>,
): Promise<{ latencies: number[]; wallMs: number; perSecond: number }> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < total) {
      const i = next++;
      latencies.push(await timed(() => call(i)));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  const wallMs = performance.now() - start;
  return { latencies, wallMs, perSecond: round((total / wallMs) * 1000, 1) };
}

/**
 * Runs the sides of a comparison in alternating rounds (A B A B …) so machine noise hits all of
 * them alike; returns every side's samples in one array per side.
 */
export async function interleave<K extends string>(
  rounds: number,
  sides: Record<K, () => Promise<number[]>>,
): Promise<Record<K, number[]>> {
  const keys = Object.keys(sides) as K[];
  const out = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let r = 0; r < rounds; r++) {
    // alternate which side goes first, so neither always runs on a warmer machine
    const order = r % 2 === 0 ? keys : [...keys].reverse();
    for (const k of order) out[k].push(...(await sides[k]()));
  }
  return out;
}
