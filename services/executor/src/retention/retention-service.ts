import { create } from "@bufbuild/protobuf";
import { durationMs, timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { PruneRunsResponseSchema, type RunRetentionService } from "@mcp/proto/executor";
import type { RunPruner } from "./run-pruner.js";

/** RunRetentionService over the pruner. Requests arrive validated and authorised (`admin`). */
export function retentionService(pruner: RunPruner): ServiceImpl<typeof RunRetentionService> {
  return {
    async pruneRuns(req, ctx) {
      const olderThanMs = pruner.olderThanMs(req.olderThan ? durationMs(req.olderThan) : undefined);
      const r = await pruner.prune({ olderThanMs, dryRun: req.dryRun }, ctx.signal);
      return create(PruneRunsResponseSchema, {
        runs: BigInt(r.runs),
        steps: BigInt(r.steps),
        batches: r.batches,
        cutoff: timestampFromDate(r.cutoff),
        dryRun: r.dryRun,
      });
    },
  };
}
