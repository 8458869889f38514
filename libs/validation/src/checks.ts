import type { FieldViolation } from "@mcp/errors";

/**
 * Small building blocks of request validation. Each check takes the value and its proto field path
 * (snake_case, e.g. `config.llm_prompt.temperature`) and returns the violations it finds, so callers
 * can concatenate them and report every problem at once.
 */

/** One violation of `field`. */
export function violation(field: string, description: string): FieldViolation {
  return { field, description };
}

/** `base.name`, or just `name` when `base` is empty. */
export function fieldPath(base: string, name: string): string {
  return base ? `${base}.${name}` : name;
}

/** Path of a repeated field's element, e.g. `tags[2]`. */
export function indexPath(base: string, index: number): string {
  return `${base}[${index}]`;
}

/** Path of a map entry or JSON object member, e.g. `config.mcp_tool.stdio.env["HOME"]`. */
export function keyPath(base: string, key: string): string {
  return `${base}[${JSON.stringify(key)}]`;
}

/** Number of characters (Unicode code points, so an emoji counts once). */
export function charCount(value: string): number {
  return [...value].length;
}

/** Rejects an empty string. */
export function checkRequired(value: string, field: string): FieldViolation[] {
  return value === "" ? [violation(field, "is required")] : [];
}

/** Rejects a string longer than `max` characters. */
export function checkMaxLength(value: string, max: number, field: string): FieldViolation[] {
  // Code points never outnumber UTF-16 units, so short strings skip the count.
  return value.length > max && charCount(value) > max
    ? [violation(field, `must be at most ${max} characters`)]
    : [];
}

/** Rejects a string longer than `maxBytes` bytes of UTF-8. */
export function checkMaxBytes(value: string, maxBytes: number, field: string): FieldViolation[] {
  return Buffer.byteLength(value, "utf8") > maxBytes
    ? [violation(field, `must be at most ${maxBytes} bytes`)]
    : [];
}

/** Rejects a number outside `min..max` (inclusive) or not finite; `undefined` (unset) passes. */
export function checkRange(
  value: number | undefined,
  min: number,
  max: number,
  field: string,
): FieldViolation[] {
  if (value === undefined) return [];
  return Number.isFinite(value) && value >= min && value <= max
    ? []
    : [violation(field, `must be between ${min} and ${max}`)];
}

/** Rejects a number below `min`. */
export function checkAtLeast(value: number, min: number, field: string): FieldViolation[] {
  return value >= min ? [] : [violation(field, `must be at least ${min}`)];
}

/** Rejects a list with more than `max` elements. */
export function checkMaxItems(values: readonly unknown[], max: number, field: string): FieldViolation[] {
  return values.length > max ? [violation(field, `must have at most ${max} elements`)] : [];
}

/** Rejects a non-empty string that does not match `pattern`; `rule` says in words what is expected. */
export function checkPattern(value: string, pattern: RegExp, rule: string, field: string): FieldViolation[] {
  return value !== "" && !pattern.test(value) ? [violation(field, `must be ${rule}`)] : [];
}

/** Rejects elements that equal (by `key`) an earlier element, naming each repeat and its first index. */
export function checkUnique(
  values: readonly string[],
  field: string,
  key: (value: string) => string = (v) => v,
): FieldViolation[] {
  const firstIndex = new Map<string, number>();
  const out: FieldViolation[] = [];
  values.forEach((value, i) => {
    const k = key(value);
    const first = firstIndex.get(k);
    if (first === undefined) firstIndex.set(k, i);
    else out.push(violation(indexPath(field, i), `duplicates ${indexPath(field, first)}`));
  });
  return out;
}

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Rejects text that cannot be stored or sent as it is: U+0000 (PostgreSQL text cannot hold it) or an
 * unpaired UTF-16 surrogate (not Unicode text; UTF-8 would silently replace it). The message never
 * quotes the value, so it is safe for secrets.
 */
export function checkStorableText(value: string, field: string): FieldViolation[] {
  const out: FieldViolation[] = [];
  if (value.includes("\u0000")) out.push(violation(field, "must not contain U+0000 (NUL)"));
  if (UNPAIRED_SURROGATE.test(value)) {
    out.push(violation(field, "must be valid Unicode text (it contains an unpaired UTF-16 surrogate)"));
  }
  return out;
}
