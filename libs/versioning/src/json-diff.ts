import type { JsonValue } from "./canonical-json.js";

/** One difference between two JSON documents. */
export interface JsonChange {
  /** Dotted path of the changed value, with `[i]` for array items, e.g. `config.python_script.requirements[1]`. */
  readonly path: string;
  readonly kind: "added" | "removed" | "modified";
  /** Value before (absent for `added`). */
  readonly oldValue?: JsonValue;
  /** Value after (absent for `removed`). */
  readonly newValue?: JsonValue;
}

const isObject = (v: JsonValue | undefined): v is { [key: string]: JsonValue } =>
  v !== null && typeof v === "object" && !Array.isArray(v);

const join = (base: string, key: string) => (base ? `${base}.${key}` : key);

/**
 * Lists what changed from `before` to `after`, down to leaf values. Objects are compared key by
 * key (sorted, so the output order is stable); arrays item by item; anything else by value.
 */
export function diffJson(
  before: JsonValue | undefined,
  after: JsonValue | undefined,
  path = "",
): JsonChange[] {
  if (before === undefined && after === undefined) return [];
  if (before === undefined) return [{ path, kind: "added", newValue: after }];
  if (after === undefined) return [{ path, kind: "removed", oldValue: before }];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffJson(before[k], after[k], join(path, k)));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const length = Math.max(before.length, after.length);
    const changes: JsonChange[] = [];
    for (let i = 0; i < length; i++) {
      changes.push(...diffJson(before[i], after[i], `${path}[${i}]`));
    }
    return changes;
  }
  return JSON.stringify(before) === JSON.stringify(after)
    ? []
    : [{ path, kind: "modified", oldValue: before, newValue: after }];
}
