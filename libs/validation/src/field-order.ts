import type { DescField, DescMessage, Message } from "@bufbuild/protobuf";

/**
 * The violations in field order, whichever check found them: a violation's `field` path
 * (`spec.steps[1].inputs["text"].step_output.step_id`) ranks by the message's fields in field-number
 * order, list items by index, map entries in the order the request gave them, and a field before the
 * fields inside it. Violations of the same field keep the order they were found in. `root` is the
 * path prefix naming `message` itself (e.g. `spec` for a WorkflowSpec), "" for a whole request.
 */
export function inFieldOrder<V extends { readonly field: string }>(
  desc: DescMessage,
  message: Message,
  violations: readonly V[],
  root = "",
): V[] {
  return violations
    .map((item, position) => ({ item, position, key: fieldRank(desc, message, item.field, root) }))
    .sort((a, b) => compareRanks(a.key, b.key) || a.position - b.position)
    .map(({ item }) => item);
}

/**
 * A path's rank: one number per segment (field number, list index, or a map key's position in the
 * request). A path outside `root` (e.g. empty: the message as a whole) ranks first; a segment the
 * schema does not know ranks after the known ones.
 */
export function fieldRank(desc: DescMessage, message: Message, field: string, root = ""): number[] {
  let segments = parsePath(field);
  if (root !== "") {
    const [first, ...rest] = segments;
    if (first?.kind !== "name" || first.name !== root) return [];
    segments = rest;
  }
  const rank: number[] = [];
  let current: DescMessage | undefined = desc;
  let value: unknown = message;
  let container: DescField | undefined;
  for (const segment of segments) {
    if (segment.kind === "name") {
      const field: DescField | undefined = current?.fields.find((f) => f.name === segment.name);
      if (!field) return [...rank, Number.MAX_SAFE_INTEGER];
      rank.push(field.number);
      value = fieldValue(value, field);
      container = field;
      current = field.fieldKind === "message" ? field.message : undefined;
    } else if (segment.kind === "index") {
      rank.push(segment.index);
      value = Array.isArray(value) ? (value as unknown[])[segment.index] : undefined;
      current =
        container?.fieldKind === "list" && container.listKind === "message" ? container.message : undefined;
    } else {
      const keys = value !== null && typeof value === "object" ? Object.keys(value) : [];
      const position = keys.indexOf(segment.key);
      rank.push(position >= 0 ? position : Number.MAX_SAFE_INTEGER);
      value = position >= 0 ? (value as Record<string, unknown>)[segment.key] : undefined;
      current =
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
