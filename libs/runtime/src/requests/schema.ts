import { ScalarType, type DescField, type DescMessage } from "@bufbuild/protobuf";

/** Well-known types whose JSON form is not an object of their fields, and how the scanners treat them. */
export type WellKnown =
  "struct" | "value" | "list_value" | "timestamp" | "duration" | "field_mask" | "wrapper" | "any" | undefined;

const WELL_KNOWN: Readonly<Record<string, WellKnown>> = {
  "google.protobuf.Struct": "struct",
  "google.protobuf.Value": "value",
  "google.protobuf.ListValue": "list_value",
  "google.protobuf.Timestamp": "timestamp",
  "google.protobuf.Duration": "duration",
  "google.protobuf.FieldMask": "field_mask",
  "google.protobuf.Any": "any",
  "google.protobuf.DoubleValue": "wrapper",
  "google.protobuf.FloatValue": "wrapper",
  "google.protobuf.Int64Value": "wrapper",
  "google.protobuf.UInt64Value": "wrapper",
  "google.protobuf.Int32Value": "wrapper",
  "google.protobuf.UInt32Value": "wrapper",
  "google.protobuf.BoolValue": "wrapper",
  "google.protobuf.StringValue": "wrapper",
  "google.protobuf.BytesValue": "wrapper",
};

/** A message's fields indexed the ways the scanners look them up, computed once per message type. */
export interface MessagePlan {
  readonly desc: DescMessage;
  readonly wellKnown: WellKnown;
  /** By field number (binary). */
  readonly byNumber: ReadonlyMap<number, DescField>;
  /** By JSON name and by proto name (JSON accepts both). */
  readonly byJsonKey: ReadonlyMap<string, DescField>;
}

const plans = new WeakMap<DescMessage, MessagePlan>();

/** The plan of `desc` (cached). */
export function planOf(desc: DescMessage): MessagePlan {
  let plan = plans.get(desc);
  if (!plan) {
    const byJsonKey = new Map<string, DescField>();
    for (const f of desc.fields) {
      byJsonKey.set(f.name, f);
      byJsonKey.set(f.jsonName, f);
    }
    plan = {
      desc,
      wellKnown: WELL_KNOWN[desc.typeName],
      byNumber: new Map(desc.fields.map((f) => [f.number, f])),
      byJsonKey,
    };
    plans.set(desc, plan);
  }
  return plan;
}

/** Wire types of the protobuf binary encoding. */
export const Wire = { Varint: 0, Bit64: 1, Length: 2, StartGroup: 3, EndGroup: 4, Bit32: 5 } as const;
export type Wire = (typeof Wire)[keyof typeof Wire];

/** The wire type a scalar of `type` is encoded with (unpacked). */
export function wireOf(type: ScalarType): Wire {
  switch (type) {
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return Wire.Length;
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return Wire.Bit64;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return Wire.Bit32;
    default:
      return Wire.Varint;
  }
}

/** Whether a message of this type is a nesting level of its own (a Value around a Struct is not). */
export function addsDepth(desc: DescMessage): boolean {
  return desc.typeName !== "google.protobuf.Value";
}

/** Closest field name to `key` (proto or JSON name, edit distance ≤ 2 or equal ignoring case). */
export function closestField(desc: DescMessage, key: string): string | undefined {
  const lower = key.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const f of desc.fields) {
    for (const name of new Set([f.jsonName, f.name])) {
      const d = name.toLowerCase() === lower ? 0 : editDistance(name, key, 3);
      if (d <= 2 && (!best || d < best.distance)) best = { name, distance: d };
    }
  }
  return best?.name;
}

/** Levenshtein distance of short strings, giving up (returning `cap`) once it exceeds `cap - 1`. */
function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap || a.length > 64 || b.length > 64) return cap;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin >= cap) return cap;
    previous = current;
  }
  return Math.min(previous[b.length]!, cap);
}
