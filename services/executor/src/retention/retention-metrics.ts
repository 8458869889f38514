import type { Registry } from "prom-client";
import { counter } from "@mcp/runtime";
import type { Pruned } from "@mcp/db";

/** What the pruner reports. */
export interface RetentionMetrics {
  pruned(batch: Pruned): void;
}

/**
 * Run retention's metrics:
 * - `mcp_runs_pruned_total`: runs deleted by retention (RUN_RETENTION_DAYS or PruneRuns).
 * - `mcp_step_runs_pruned_total`: their step rows.
 */
export function retentionMetrics(registry: Registry): RetentionMetrics {
  const runs = counter(registry, {
    name: "mcp_runs_pruned_total",
    help: "Finished runs deleted by retention.",
    labelNames: [],
  });
  const steps = counter(registry, {
    name: "mcp_step_runs_pruned_total",
    help: "Step rows deleted by retention with their runs.",
    labelNames: [],
  });
  return {
    pruned(batch: Pruned): void {
      runs.inc(batch.runs);
      steps.inc(batch.steps);
    },
  };
}
