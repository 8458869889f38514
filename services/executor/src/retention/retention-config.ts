import { z } from "zod";

/** Run retention settings (RUN_RETENTION_*; docs/adr/019-retention.md). */
export interface RetentionSettings {
  /** Finished runs older than this many days are pruned on an interval; undefined = never (the default). */
  readonly days: number | undefined;
  /** How often an executor tries to prune (one at a time cluster-wide: the others find the lock taken). */
  readonly intervalMs: number;
  /** Most runs deleted in one transaction. */
  readonly batchRuns: number;
  /** Pause between two batches, leaving the database to the run path. */
  readonly pauseMs: number;
}

const empty = (v: unknown) => (v === "" ? undefined : v);
const whole = (min: number, max: number, fallback: number) =>
  z.preprocess(empty, z.coerce.number().int().min(min).max(max).default(fallback));

/** The environment variables of {@link RetentionSettings}, merged into the executor's schema. */
export const retentionEnv = {
  RUN_RETENTION_DAYS: z.preprocess(
    (v) => (typeof v === "string" && ["", "off"].includes(v.trim().toLowerCase()) ? undefined : v),
    z.coerce.number().int().min(1).max(36_500).optional(),
  ),
  RUN_RETENTION_INTERVAL_MS: whole(1_000, 86_400_000, 3_600_000),
  RUN_RETENTION_BATCH: whole(1, 10_000, 500),
  RUN_RETENTION_PAUSE_MS: whole(0, 60_000, 200),
};

/** The parsed variables as settings. */
export function retentionSettings(e: {
  RUN_RETENTION_DAYS?: number | undefined;
  RUN_RETENTION_INTERVAL_MS: number;
  RUN_RETENTION_BATCH: number;
  RUN_RETENTION_PAUSE_MS: number;
}): RetentionSettings {
  return Object.freeze({
    days: e.RUN_RETENTION_DAYS,
    intervalMs: e.RUN_RETENTION_INTERVAL_MS,
    batchRuns: e.RUN_RETENTION_BATCH,
    pauseMs: e.RUN_RETENTION_PAUSE_MS,
  });
}
