import type { FuzzOptions } from "./harness";

/** The seed CI and `npm run fuzz` use unless FUZZ_SEED says otherwise (fixed, so runs compare). */
export const DEFAULT_SEED = 14_2026;

/**
 * Reads FUZZ_SEED, FUZZ_COUNT (default `defaultCount`), FUZZ_CASE (replay one case) and FUZZ_MAX_CALL_MS
 * (default 1000) from the environment.
 */
export function fuzzOptions(defaultCount: number, log: (line: string) => void): FuzzOptions {
  const int = (name: string, fallback: number): number => {
    const raw = process.env[name];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0)
      throw new Error(`${name} must be a whole number, got ${JSON.stringify(raw)}`);
    return value;
  };
  const only = process.env["FUZZ_CASE"];
  return {
    seed: int("FUZZ_SEED", DEFAULT_SEED),
    count: int("FUZZ_COUNT", defaultCount),
    ...(only ? { only: int("FUZZ_CASE", 0) } : {}),
    maxCallMs: int("FUZZ_MAX_CALL_MS", 1_000),
    log,
  };
}
