/**
 * Percentiles from the rollup's duration histogram (docs/adr/027-run-stats-rollup.md). A run's
 * started → finished time d (ms) is counted in bucket 0 when d < 1 ms, else in bucket
 * b = 1 + ⌊8 · log₂ d⌋, which covers [2^((b−1)/8), 2^(b/8)) ms (`run_stats_bucket` in migration
 * 1768800000000). A bucket reads back as its geometric midpoint 2^((b−½)/8) (bucket 0 as 0.5 ms),
 * at most {@link PERCENTILE_RELATIVE_ERROR} from any duration in it (0.5 ms in bucket 0).
 */

/** Buckets per doubling of the duration. */
export const BUCKETS_PER_DOUBLING = 8;

/**
 * The bound on a percentile's error, relative to the exact value: 2^(1/16) − 1 ≈ 4.43 %, plus at most
 * 0.5 ms for durations under a millisecond. Each order statistic is replaced by its bucket's midpoint
 * (off by at most this much), and `percentile_cont` interpolates between two of them with positive
 * weights, which keeps the bound.
 */
export const PERCENTILE_RELATIVE_ERROR = 2 ** (1 / (2 * BUCKETS_PER_DOUBLING)) - 1;

/** The absolute part of the bound, for durations under 1 ms (bucket 0). */
export const PERCENTILE_ABSOLUTE_ERROR_MS = 0.5;

/** The duration (ms) bucket `bucket` reads back as. */
export function bucketMidpointMs(bucket: number): number {
  return bucket <= 0 ? 0.5 : 2 ** ((bucket - 0.5) / BUCKETS_PER_DOUBLING);
}

/**
 * The `p`-th percentile (0..1) of the durations counted in `buckets` (ids ascending) with `counts`,
 * interpolated between neighbouring ranks as PostgreSQL's `percentile_cont` does; null when empty.
 */
export function percentileOf(
  buckets: readonly number[],
  counts: readonly number[],
  p: number,
): number | null {
  const n = counts.reduce((sum, c) => sum + c, 0);
  if (n === 0) return null;
  const rank = p * (n - 1);
  const below = Math.floor(rank);
  const lo = valueAtRank(buckets, counts, below);
  const fraction = rank - below;
  if (fraction === 0) return lo;
  return lo + fraction * (valueAtRank(buckets, counts, below + 1) - lo);
}

/** The midpoint of the bucket holding the `rank`-th smallest duration (0-based). */
function valueAtRank(buckets: readonly number[], counts: readonly number[], rank: number): number {
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += counts[i] ?? 0;
    if (rank < seen) return bucketMidpointMs(buckets[i]!);
  }
  return bucketMidpointMs(buckets[buckets.length - 1] ?? 0);
}

/**
 * Sums rollup histograms (bucket id as text → count) into bucket ids ascending and their counts,
 * leaving out the buckets below 0 (runs without a duration).
 */
export function mergeHistograms(histograms: readonly Readonly<Record<string, number>>[]): {
  buckets: number[];
  counts: number[];
} {
  const sum = new Map<number, number>();
  for (const histogram of histograms) {
    for (const [key, count] of Object.entries(histogram)) {
      const bucket = Number(key);
      if (bucket >= 0) sum.set(bucket, (sum.get(bucket) ?? 0) + count);
    }
  }
  const buckets = [...sum.keys()].sort((a, b) => a - b);
  return { buckets, counts: buckets.map((b) => sum.get(b)!) };
}
