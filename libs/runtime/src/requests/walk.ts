import { ScalarType, type DescField, type DescMessage, type JsonValue } from "@bufbuild/protobuf";
import type { FieldViolation } from "@mcp/errors";
import { REQUEST_SHAPE_LIMITS, UUID, checkStorableText, type TextLimit } from "@mcp/validation";
import { DEFAULT_RULES, limitOf, type LimitRules } from "./field-limits.js";
import { entryPath, join, memberPath } from "./scan-result.js";

/** What the walk found: every violation, and whether any is a size limit (then nothing else should run). */
export interface WalkResult {
  readonly violations: FieldViolation[];
  /** A string, list, map or Struct is over its limit: later checks could be slow, or quote it back. */
  readonly oversize: boolean;
}

/**
 * Walks a decoded request by its descriptor and checks every string at any depth (fields, list
 * elements, map keys and values, the keys and strings of Structs and Values) and every list and map
 * against the limit table: no U+0000 and no unpaired surrogate, lengths and counts within their
 * limits, UUID fields that are UUIDs, Struct/Value fields within their JSON size. Violations are named
 * by field path (`inputs.x`, `tags[2]`, `config.mcp_tool.stdio.env["HOME"]`).
 *
 * It reads the generated message shapes directly rather than through `reflect()`, which would box
 * every Struct field (a plain JsonObject) into Value messages first.
 */
export function walkRequest(
  desc: DescMessage,
  message: object,
  rules: LimitRules = DEFAULT_RULES,
  maxViolations: number = REQUEST_SHAPE_LIMITS.maxViolations,
): WalkResult {
  const walker = new Walker(rules, maxViolations);
  try {
    walker.message(desc, message as Record<string, unknown>, "");
  } catch (err) {
    if (err !== FULL) throw err;
  }
  return { violations: walker.out, oversize: walker.oversize };
}

/** Thrown to stop walking once enough violations are listed. */
const FULL = new Error("enough violations listed");

type Local = Record<string, unknown>;

/** google.protobuf.Value as generated: `{ kind: { case, value } }`. */
interface ValueMessage {
  kind: { case: string | undefined; value?: unknown };
}

class Walker {
  readonly out: FieldViolation[] = [];
  oversize = false;

  constructor(
    private readonly rules: LimitRules,
    private readonly maxViolations: number,
  ) {}

  message(desc: DescMessage, msg: Local, path: string): void {
    for (const field of desc.fields) {
      const value = fieldValue(msg, field);
      if (value === undefined) continue;
      this.field(field, value, join(path, field.name));
    }
  }

  private field(field: DescField, value: unknown, path: string): void {
    const limit = limitOf(field, this.rules);
    switch (field.fieldKind) {
      case "scalar":
        if (field.scalar === ScalarType.STRING) this.text(value as string, path, limit.text);
        return;
      case "enum":
        return;
      case "message":
        return this.messageValue(field, field.message, value, path, true);
      case "list": {
        const items = value as unknown[];
        if (items.length > limit.maxItems) {
          return this.add(
            path,
            `must have at most ${limit.maxItems} elements (it has ${items.length})`,
            true,
          );
        }
        items.forEach((item, i) => {
          const at = `${path}[${i}]`;
          if (field.listKind === "message") this.messageValue(field, field.message, item, at, false);
          else if (field.listKind === "scalar" && field.scalar === ScalarType.STRING) {
            this.text(item as string, at, limit.text);
          }
        });
        return;
      }
      case "map": {
        const entries = Object.entries(value as Local);
        if (entries.length > limit.maxItems) {
          return this.add(
            path,
            `must have at most ${limit.maxItems} entries (it has ${entries.length})`,
            true,
          );
        }
        for (const [key, item] of entries) {
          const at = entryPath(path, short(key));
          if (field.mapKey === ScalarType.STRING) this.text(key, at, limit.key, "its key ");
          if (field.mapKind === "message") this.messageValue(field, field.message, item, at, false);
          else if (field.mapKind === "scalar" && field.scalar === ScalarType.STRING) {
            this.text(item as string, at, limit.text);
          }
        }
        return;
      }
    }
  }

  /** A message value: Struct, Value and ListValue are walked as JSON and sized; others recursively. */
  private messageValue(
    field: DescField,
    desc: DescMessage,
    value: unknown,
    path: string,
    singular: boolean,
  ): void {
    const limit = limitOf(field, this.rules);
    let size: number | undefined;
    switch (desc.typeName) {
      case "google.protobuf.Struct":
        // A singular Struct field is a plain JSON object; elsewhere it stays a Struct message.
        size = singular ? this.json(value as JsonValue, path) : this.structMessage(value as Local, path);
        break;
      case "google.protobuf.Value":
        size = this.valueMessage(value as ValueMessage, path);
        break;
      case "google.protobuf.ListValue":
        size = this.listMessage(value as Local, path);
        break;
      case "google.protobuf.StringValue":
        if (typeof value === "string") this.text(value, path, limit.text);
        else this.message(desc, value as Local, path);
        return;
      default:
        if (typeof value === "object" && value !== null) this.message(desc, value as Local, path);
        return;
    }
    if (size > limit.maxJsonBytes) {
      this.add(path, `must be at most ${limit.maxJsonBytes} bytes as JSON (it is ${size})`, true);
    }
  }

  /** Checks a JSON value's strings and keys; returns its size as JSON (UTF-8, escapes not counted). */
  private json(value: JsonValue, path: string): number {
    if (typeof value === "string") return this.jsonString(value, path);
    if (typeof value === "number") return String(value).length;
    if (typeof value === "boolean") return value ? 4 : 5;
    if (value === null) return 4;
    if (Array.isArray(value)) {
      let size = 1 + value.length;
      value.forEach((item, i) => (size += this.json(item, `${path}[${i}]`)));
      return size;
    }
    let size = 1;
    for (const [key, item] of Object.entries(value)) {
      const at = memberPath(path, short(key));
      size += this.jsonKey(key, at) + this.json(item, at);
    }
    return size + 1;
  }

  private structMessage(struct: Local, path: string): number {
    const fields = (struct["fields"] ?? {}) as Record<string, ValueMessage>;
    let size = 1;
    for (const [key, item] of Object.entries(fields)) {
      const at = memberPath(path, short(key));
      size += this.jsonKey(key, at) + this.valueMessage(item, at);
    }
    return size + 1;
  }

  private listMessage(list: Local, path: string): number {
    const values = (list["values"] ?? []) as ValueMessage[];
    let size = 1 + values.length;
    values.forEach((item, i) => (size += this.valueMessage(item, `${path}[${i}]`)));
    return size;
  }

  private valueMessage(value: ValueMessage, path: string): number {
    const kind = value.kind;
    switch (kind.case) {
      case "stringValue":
        return this.jsonString(kind.value as string, path);
      case "numberValue":
        return String(kind.value).length;
      case "boolValue":
        return kind.value ? 4 : 5;
      case "structValue":
        return this.structMessage(kind.value as Local, path);
      case "listValue":
        return this.listMessage(kind.value as Local, path);
      default:
        return 4;
    }
  }

  private jsonString(value: string, path: string): number {
    for (const v of checkStorableText(value, path)) this.add(v.field, v.description, false);
    return Buffer.byteLength(value) + 2;
  }

  private jsonKey(key: string, path: string): number {
    this.text(key, path, this.rules.defaults.jsonKey, "its key ");
    return Buffer.byteLength(key) + 3;
  }

  /** Checks one string: length first (cheap), then storable text, then the UUID form. */
  private text(value: string, path: string, limit: TextLimit, what = ""): void {
    if (limit.maxChars !== undefined && longerThan(value, limit.maxChars)) {
      return this.add(path, `${what}must be at most ${limit.maxChars} characters`, true);
    }
    if (limit.maxBytes !== undefined && largerThan(value, limit.maxBytes)) {
      return this.add(path, `${what}must be at most ${limit.maxBytes} bytes`, true);
    }
    for (const v of checkStorableText(value, path)) this.add(v.field, `${what}${v.description}`, false);
    if (limit.uuid && value !== "" && !UUID.test(value)) this.add(path, `${what}must be a UUID`, false);
  }

  private add(field: string, description: string, oversize: boolean): void {
    this.out.push({ field, description });
    if (oversize) this.oversize = true;
    if (this.out.length >= this.maxViolations) throw FULL;
  }
}

/** The value a message holds for `field` (the case's value for a oneof member), or undefined. */
function fieldValue(msg: Local, field: DescField): unknown {
  if (field.oneof) {
    const oneof = msg[field.oneof.localName] as { case?: string; value?: unknown } | undefined;
    return oneof?.case === field.localName ? oneof.value : undefined;
  }
  return msg[field.localName];
}

/** Whether `value` has more than `max` code points (counted only when the UTF-16 length leaves doubt). */
function longerThan(value: string, max: number): boolean {
  if (value.length <= max) return false;
  if (value.length > 2 * max) return true;
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff || i === 0 || (value.charCodeAt(i - 1) & 0xfc00) !== 0xd800) count++;
  }
  return count > max;
}

/** Whether `value` takes more than `max` bytes of UTF-8 (measured only when the length leaves doubt). */
function largerThan(value: string, max: number): boolean {
  if (value.length * 3 <= max) return false;
  if (value.length > max) return true;
  return Buffer.byteLength(value) > max;
}

/** A key as shown in a path: at most 64 characters. */
function short(key: string): string {
  return key.length > 64 ? `${key.slice(0, 64)}…` : key;
}
