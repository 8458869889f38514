export { RunPruner, pruneRunning, type PruneResult, type PrunerOptions } from "./run-pruner.js";
export { RetentionLoop } from "./retention-loop.js";
export { retentionMetrics, type RetentionMetrics } from "./retention-metrics.js";
export { retentionService } from "./retention-service.js";
export { retentionValidation } from "./retention-validation.js";
export { type RetentionSettings } from "./retention-config.js";
