import type { DescField } from "@bufbuild/protobuf";
import {
  DEFAULT_FIELD_LIMITS,
  LIMITS_BY_FIELD,
  LIMITS_BY_NAME,
  type FieldLimit,
  type TextLimit,
} from "@mcp/validation";

/** Every limit of one field, resolved: its own rule, else the rule for its name, else the default. */
export interface ResolvedLimit {
  readonly text: TextLimit;
  readonly maxItems: number;
  readonly key: TextLimit;
  readonly maxJsonBytes: number;
}

/** The rules the walk applies; the defaults are the documented table (docs/limits.md). */
export interface LimitRules {
  readonly byField: Readonly<Record<string, FieldLimit>>;
  readonly byName: Readonly<Record<string, FieldLimit>>;
  readonly defaults: {
    readonly text: TextLimit;
    readonly maxItems: number;
    readonly key: TextLimit;
    readonly maxJsonBytes: number;
    readonly jsonKey: TextLimit;
  };
}

export const DEFAULT_RULES: LimitRules = {
  byField: LIMITS_BY_FIELD,
  byName: LIMITS_BY_NAME,
  defaults: DEFAULT_FIELD_LIMITS,
};

const cache = new WeakMap<LimitRules, WeakMap<DescField, ResolvedLimit>>();

/** The limits of `field` under `rules` (cached per field). */
export function limitOf(field: DescField, rules: LimitRules = DEFAULT_RULES): ResolvedLimit {
  let byField = cache.get(rules);
  if (!byField) {
    byField = new WeakMap();
    cache.set(rules, byField);
  }
  let resolved = byField.get(field);
  if (!resolved) {
    const own = rules.byField[`${field.parent.typeName}.${field.name}`] ?? {};
    const named = Object.hasOwn(rules.byName, field.name) ? (rules.byName[field.name] ?? {}) : {};
    resolved = {
      text: own.text ?? named.text ?? rules.defaults.text,
      maxItems: own.maxItems ?? named.maxItems ?? rules.defaults.maxItems,
      key: own.key ?? named.key ?? rules.defaults.key,
      maxJsonBytes: own.maxJsonBytes ?? named.maxJsonBytes ?? rules.defaults.maxJsonBytes,
    };
    byField.set(field, resolved);
  }
  return resolved;
}
