/**
 * Exact decimal amounts as scaled integers (bigint), for prices and costs: never floats.
 * `parseDecimal("0.15", 9)` is 150000000n; `formatDecimal(150000000n, 9)` is "0.15".
 */

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** A non-negative decimal string as an integer of `scale` fraction digits; undefined when not one (or too precise). */
export function parseDecimal(text: string, scale: number): bigint | undefined {
  const match = DECIMAL.exec(text.trim());
  if (!match) return undefined;
  const [, whole = "0", fraction = ""] = match;
  if (fraction.length > scale && /[1-9]/.test(fraction.slice(scale))) return undefined;
  return BigInt(whole) * 10n ** BigInt(scale) + BigInt(fraction.slice(0, scale).padEnd(scale, "0") || "0");
}

/** An integer of `scale` fraction digits as a decimal string, without trailing zeros ("0" for zero). */
export function formatDecimal(value: bigint, scale: number): string {
  const unit = 10n ** BigInt(scale);
  const whole = value / unit;
  const fraction = (value % unit).toString().padStart(scale, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}

/** `value / divisor`, rounded half up (non-negative operands). */
export function divideRounded(value: bigint, divisor: bigint): bigint {
  return (value + divisor / 2n) / divisor;
}
