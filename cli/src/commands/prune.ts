import { durationFromMs, timestampDate } from "@bufbuild/protobuf/wkt";
import { PruneRunsResponseSchema } from "@mcp/proto/executor";
import { call, type Context } from "../context.js";
import { messageJson, type OutputFormat } from "../output.js";

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `30d`, `12h`, `90m`, `2w` as milliseconds; throws naming the accepted forms. */
export function parseAge(value: string): number {
  const m = /^(\d{1,6})([mhdw])$/.exec(value.trim());
  if (!m) throw new Error(`"${value}" is not an age: use a whole number and m, h, d or w (e.g. 30d)`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** Options of {@link runsPrune}. */
export interface PruneOptions {
  /** Milliseconds; unset = the executor's RUN_RETENTION_DAYS. */
  readonly olderThan?: number;
  readonly dryRun: boolean;
  readonly output: OutputFormat;
}

/**
 * `mcp runs prune [--older-than 30d] [--dry-run]`: deletes finished runs older than that (with their
 * steps) through PruneRuns, or with `--dry-run` counts them; prints how many.
 */
export async function runsPrune(ctx: Context, opts: PruneOptions): Promise<void> {
  const res = await call(ctx, "executor", () =>
    ctx.clients.retention.pruneRuns({
      ...(opts.olderThan === undefined ? {} : { olderThan: durationFromMs(opts.olderThan) }),
      dryRun: opts.dryRun,
    }),
  );
  if (opts.output === "json") return ctx.io.out(messageJson(PruneRunsResponseSchema, res));
  const cutoff = res.cutoff ? timestampDate(res.cutoff).toISOString() : "-";
  ctx.io.out(
    res.dryRun
      ? `would delete ${res.runs} run(s) and ${res.steps} step row(s) finished before ${cutoff} (dry run: nothing deleted)`
      : `deleted ${res.runs} run(s) and ${res.steps} step row(s) finished before ${cutoff} in ${res.batches} batch(es)`,
  );
}
