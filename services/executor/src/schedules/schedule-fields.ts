import { OverlapPolicy } from "@mcp/proto/executor";
import type { Duration } from "@bufbuild/protobuf/wkt";

/** The catch-up window's bounds and default. */
export const CATCH_UP_LIMITS = {
  minMs: 1_000,
  maxMs: 7 * 24 * 3600 * 1000,
  defaultMs: 60_000,
} as const;

/** A Duration in whole milliseconds (negative when either part is). */
export function durationMs(d: Duration): number {
  return Number(d.seconds) * 1000 + Math.trunc(d.nanos / 1_000_000);
}

/** Overlap policies as stored. */
const POLICY_NAMES: ReadonlyArray<[OverlapPolicy, string]> = [
  [OverlapPolicy.SKIP, "skip"],
  [OverlapPolicy.ALLOW, "allow"],
  [OverlapPolicy.BUFFER_ONE, "buffer_one"],
  [OverlapPolicy.CANCEL_PREVIOUS, "cancel_previous"],
];

/** API enum → stored name (unset = `skip`). */
export const policyName = (policy: OverlapPolicy): string =>
  POLICY_NAMES.find(([p]) => p === policy)?.[1] ?? "skip";

/** Stored name → API enum. */
export const policyOf = (name: string): OverlapPolicy =>
  POLICY_NAMES.find(([, n]) => n === name)?.[0] ?? OverlapPolicy.UNSPECIFIED;
