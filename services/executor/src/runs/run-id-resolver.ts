import type { RunQueries } from "@mcp/db";
import { FailedPreconditionError, NotFoundError } from "@mcp/errors";

/** How many matching ids an ambiguous prefix's error lists. */
const SHOWN_CANDIDATES = 10;

/** A run id prefix: its hex digits (hyphens dropped, lowercase), 8-32 of them. */
export const RUN_ID_PREFIX = /^[0-9a-f]{8,32}$/;

/** The hex digits of a prefix as typed (hyphens dropped, lowercase). */
export function prefixDigits(prefix: string): string {
  return prefix.replace(/-/g, "").toLowerCase();
}

/** 32 hex digits as a UUID (8-4-4-4-12). */
function asUuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The lowest and highest UUIDs that start with `digits` (8-32 hex digits). */
export function runIdRange(digits: string): { low: string; high: string } {
  return { low: asUuid(digits.padEnd(32, "0")), high: asUuid(digits.padEnd(32, "f")) };
}

/** Short run ids to full ones: the one run whose id starts with the prefix, or why there is none. */
export class RunIdResolver {
  constructor(private readonly queries: Pick<RunQueries, "runIdsBetween">) {}

  /** `prefix` is validated (see RUN_ID_PREFIX after prefixDigits); only `workspace`'s runs are candidates. */
  async resolve(workspace: string, prefix: string): Promise<string> {
    const digits = prefixDigits(prefix);
    const { low, high } = runIdRange(digits);
    const ids = await this.queries.runIdsBetween(workspace, low, high, SHOWN_CANDIDATES + 1);
    if (ids.length === 0) throw new NotFoundError("run", prefix, "no run id starts with it");
    if (ids.length === 1) return ids[0]!;
    const listed = ids.slice(0, SHOWN_CANDIDATES).join(", ");
    const more = ids.length > SHOWN_CANDIDATES ? " and more" : "";
    throw new FailedPreconditionError(
      `run id prefix "${prefix}" is ambiguous: ${ids.length > SHOWN_CANDIDATES ? `more than ${SHOWN_CANDIDATES}` : ids.length} runs' ids start with it (${listed}${more}); give more digits`,
      "AMBIGUOUS_RUN_ID",
      { prefix, candidates: ids.slice(0, SHOWN_CANDIDATES).join(",") },
    );
  }
}
