import type { FieldViolation } from "@mcp/errors";
import { PruneRunsRequestSchema, type PruneRunsRequest } from "@mcp/proto/executor";
import { validationTable, type ValidationTable } from "@mcp/runtime";

/** Shortest `older_than`: an hour (a typo such as `30s` for `30d` must not empty the history). */
export const MIN_PRUNE_AGE_S = 3_600;
/** Longest `older_than`: 36,500 days. */
export const MAX_PRUNE_AGE_S = 36_500 * 86_400;

function checkOlderThan(m: PruneRunsRequest): FieldViolation[] {
  const d = m.olderThan;
  if (!d) return [];
  if (d.nanos < 0 || d.nanos > 999_999_999 || d.seconds < BigInt(MIN_PRUNE_AGE_S)) {
    return [{ field: "older_than", description: "must be at least 1 hour (e.g. 30d)" }];
  }
  if (d.seconds > BigInt(MAX_PRUNE_AGE_S)) {
    return [{ field: "older_than", description: "must be at most 36500 days" }];
  }
  return [];
}

/** Input rules of RunRetentionService, run once by the validation interceptor. */
export const retentionValidation: ValidationTable = validationTable([
  [PruneRunsRequestSchema, (m: PruneRunsRequest) => checkOlderThan(m)],
]);
