import {
  PERCENTILE_ABSOLUTE_ERROR_MS,
  PERCENTILE_RELATIVE_ERROR,
  bucketMidpointMs,
  mergeHistograms,
  percentileOf,
} from "./duration-histogram";

/** The bucket of a duration, as `run_stats_bucket` computes it in SQL. */
const bucketOf = (ms: number) => (ms < 1 ? 0 : 1 + Math.floor((8 * Math.log(ms)) / Math.log(2)));

/** PostgreSQL's percentile_cont over exact values. */
function exact(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  return sorted[lo]! + (rank - lo) * ((sorted[lo + 1] ?? sorted[lo]!) - sorted[lo]!);
}

function histogram(values: number[]): { buckets: number[]; counts: number[] } {
  const byBucket = new Map<number, number>();
  for (const v of values) byBucket.set(bucketOf(v), (byBucket.get(bucketOf(v)) ?? 0) + 1);
  const buckets = [...byBucket.keys()].sort((a, b) => a - b);
  return { buckets, counts: buckets.map((b) => byBucket.get(b)!) };
}

describe("duration histogram percentiles", () => {
  it("reads every duration back within the stated error of it", () => {
    for (const ms of [0, 0.3, 0.999, 1, 1.09, 2, 100, 250, 999.9, 1000, 65_536, 3_600_000, 86_400_000 * 7]) {
      const back = bucketMidpointMs(bucketOf(ms));
      expect(Math.abs(back - ms)).toBeLessThanOrEqual(
        PERCENTILE_RELATIVE_ERROR * ms + PERCENTILE_ABSOLUTE_ERROR_MS,
      );
    }
    expect(PERCENTILE_RELATIVE_ERROR).toBeCloseTo(0.0443, 4);
  });

  it("interpolates p50 and p95 like percentile_cont, within the stated error, on skewed data", () => {
    // a seeded spread from 0.2 ms to ~20 minutes, log-uniform, plus a heavy tail
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const values = Array.from({ length: 5_000 }, () => 0.2 * 2 ** (random() * 22));
    for (let i = 0; i < 200; i++) values.push(3_600_000 * (1 + random()));
    const { buckets, counts } = histogram(values);
    for (const p of [0, 0.5, 0.95, 0.99, 1]) {
      const want = exact(values, p);
      const got = percentileOf(buckets, counts, p)!;
      expect(Math.abs(got - want)).toBeLessThanOrEqual(
        PERCENTILE_RELATIVE_ERROR * want + PERCENTILE_ABSOLUTE_ERROR_MS,
      );
    }
  });

  it("sums histograms bucket by bucket, leaving out the runs without a duration", () => {
    expect(mergeHistograms([{ "3": 2, "-1": 4, "10": 1 }, { "10": 5, "0": 1, "-2": 7 }, {}])).toEqual({
      buckets: [0, 3, 10],
      counts: [1, 2, 6],
    });
  });

  it("answers null for no durations, and the one bucket's midpoint for one", () => {
    expect(percentileOf([], [], 0.5)).toBeNull();
    expect(percentileOf([bucketOf(100)], [1], 0.95)).toBeCloseTo(bucketMidpointMs(bucketOf(100)));
  });
});
