import type { DescField, DescMessage } from "@bufbuild/protobuf";
import { WorkflowSpecSchema, type WorkflowSpec } from "@mcp/proto/workflows";
import type { SpecViolation } from "./violation.js";

/**
 * The violations in field order, whichever check found them: a violation's `field` path
 * (`spec.steps[1].inputs["text"].step_output.step_id`) ranks by the spec's fields in field-number
 * order, list items by index, map entries in the order the request gave them, and a field before the
 * fields inside it. Violations of the same field keep the order they were found in.
 */
export function inFieldOrder<V extends SpecViolation>(spec: WorkflowSpec, violations: readonly V[]): V[] {
  return violations
    .map((item, position) => ({ item, position, key: fieldRank(spec, item.field) }))
    .sort((a, b) => compareRanks(a.key, b.key) || a.position - b.position)
    .map(({ item }) => item);
}

/**
 * A path's rank: one number per segment (field number, list index, or a map key's position in the
 * request). A path outside the spec (e.g. empty: the spec as a whole) ranks first; a segment the
 * schema does not know ranks after the known ones.
 */
export function fieldRank(spec: WorkflowSpec, field: string): number[] {
  const [root, ...segments] = parsePath(field);
  if (root?.kind !== "name" || root.name !== "spec") return [];
  const rank: number[] = [];
  let message: DescMessage | undefined = WorkflowSpecSchema;
  let value: unknown = spec;
  let container: DescField | undefined;
  for (const segment of segments) {
    if (segment.kind === "name") {
      const desc: DescField | undefined = message?.fields.find((f) => f.name === segment.name);
      if (!desc) return [...rank, Number.MAX_SAFE_INTEGER];
      rank.push(desc.number);
      value = fieldValue(value, desc);
      container = desc;
      message = desc.fieldKind === "message" ? desc.message : undefined;
    } else if (segment.kind === "index") {
      rank.push(segment.index);
      value = Array.isArray(value) ? (value as unknown[])[segment.index] : undefined;
      message =
        container?.fieldKind === "list" && container.listKind === "message" ? container.message : undefined;
    } else {
      const keys = value !== null && typeof value === "object" ? Object.keys(value) : [];
      const position = keys.indexOf(segment.key);
      rank.push(position >= 0 ? position : Number.MAX_SAFE_INTEGER);
      value = position >= 0 ? (value as Record<string, unknown>)[segment.key] : undefined;
      message =
        container?.fieldKind === "map" && container.mapKind === "message" ? container.message : undefined;
    }
  }
  return rank;
}

type Segment =
  | { readonly kind: "name"; readonly name: string }
  | { readonly kind: "index"; readonly index: number }
  | { readonly kind: "key"; readonly key: string };

/** `a.b[2]["k"]` → name a, name b, index 2, key k (keys are JSON strings, as `stepInputPath` writes them). */
function parsePath(field: string): Segment[] {
  const segments: Segment[] = [];
  const token = /\.?([a-z_][a-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/giy;
  let match: RegExpExecArray | null;
  while (token.lastIndex < field.length && (match = token.exec(field)) !== null) {
    if (match[1] !== undefined) segments.push({ kind: "name", name: match[1] });
    else if (match[2] !== undefined) segments.push({ kind: "index", index: Number(match[2]) });
    else segments.push({ kind: "key", key: parseKey(match[3] ?? '""') });
  }
  return segments;
}

function parseKey(quoted: string): string {
  try {
    const key: unknown = JSON.parse(quoted);
    return typeof key === "string" ? key : quoted;
  } catch {
    return quoted;
  }
}

/** The value of `desc` in a message value (a oneof member only when it is the set case). */
function fieldValue(message: unknown, desc: DescField): unknown {
  if (message === null || typeof message !== "object") return undefined;
  const record = message as Record<string, unknown>;
  if (desc.oneof) {
    const oneof = record[desc.oneof.localName] as { case?: string; value?: unknown } | undefined;
    return oneof?.case === desc.localName ? oneof.value : undefined;
  }
  return record[desc.localName];
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}
