import {
  ScalarType,
  type DescField,
  type DescMessage,
  type JsonObject,
  type JsonValue,
} from "@bufbuild/protobuf";

/** Where in a request (proto JSON) a mutation can go, and what kind of value is there. */
export interface Slot {
  /** Keys and indexes from the request's root. */
  readonly path: readonly (string | number)[];
  readonly kind:
    | "string" // a string field, list element or map value
    | "uuid" // a string field named id
    | "key" // a map or Struct key (the path ends at the member)
    | "number"
    | "enum"
    | "bool"
    | "message" // a message object (unknown fields can go in it)
    | "list"
    | "map"
    | "struct" // a google.protobuf.Struct field
    | "json" // anything inside a Struct or Value
    | "encoded"; // a timestamp or field mask (a string in JSON)
  /** True inside a Struct or Value, where any key and any JSON type is valid. */
  readonly free: boolean;
  readonly desc?: DescMessage;
}

/** Every slot of `json`, a request of type `desc`, found by walking it beside its schema. */
export function slotsOf(desc: DescMessage, json: JsonObject): Slot[] {
  const out: Slot[] = [{ path: [], kind: "message", free: false, desc }];
  walkMessage(desc, json, [], out);
  return out;
}

function fieldOf(desc: DescMessage, key: string): DescField | undefined {
  return desc.fields.find((f) => f.jsonName === key || f.name === key);
}

function walkMessage(desc: DescMessage, json: JsonObject, path: (string | number)[], out: Slot[]): void {
  for (const [key, value] of Object.entries(json)) {
    const field = fieldOf(desc, key);
    if (!field || value === null) continue;
    const at = [...path, key];
    switch (field.fieldKind) {
      case "scalar":
        out.push({ path: at, kind: scalarKind(field), free: false });
        break;
      case "enum":
        out.push({ path: at, kind: "enum", free: false });
        break;
      case "message":
        walkMessageValue(field.message, value, at, out);
        break;
      case "list":
        out.push({ path: at, kind: "list", free: false });
        (value as JsonValue[]).forEach((item, i) => {
          if (field.listKind === "message") walkMessageValue(field.message, item, [...at, i], out);
          else
            out.push({
              path: [...at, i],
              kind: field.listKind === "enum" ? "enum" : scalarKind(field),
              free: false,
            });
        });
        break;
      case "map":
        out.push({ path: at, kind: "map", free: false });
        for (const [k, item] of Object.entries(value as JsonObject)) {
          out.push({ path: [...at, k], kind: "key", free: false });
          if (field.mapKind === "message") walkMessageValue(field.message, item, [...at, k], out);
          else
            out.push({
              path: [...at, k],
              kind: field.mapKind === "enum" ? "enum" : scalarKind(field),
              free: false,
            });
        }
        break;
    }
  }
}

function walkMessageValue(desc: DescMessage, value: JsonValue, path: (string | number)[], out: Slot[]): void {
  switch (desc.typeName) {
    case "google.protobuf.Struct":
      out.push({ path, kind: "struct", free: false });
      walkJson(value, path, out);
      return;
    case "google.protobuf.Value":
    case "google.protobuf.ListValue":
      out.push({ path, kind: "json", free: true });
      walkJson(value, path, out);
      return;
    case "google.protobuf.Timestamp":
    case "google.protobuf.Duration":
    case "google.protobuf.FieldMask":
      out.push({ path, kind: "encoded", free: false });
      return;
    default:
      out.push({ path, kind: "message", free: false, desc });
      if (typeof value === "object" && value !== null && !Array.isArray(value))
        walkMessage(desc, value, path, out);
  }
}

function walkJson(value: JsonValue, path: (string | number)[], out: Slot[]): void {
  if (typeof value === "string") out.push({ path, kind: "string", free: true });
  else if (Array.isArray(value)) {
    out.push({ path, kind: "json", free: true });
    value.forEach((item, i) => walkJson(item, [...path, i], out));
  } else if (typeof value === "object" && value !== null) {
    out.push({ path, kind: "json", free: true });
    for (const [k, item] of Object.entries(value)) {
      out.push({ path: [...path, k], kind: "key", free: true });
      walkJson(item, [...path, k], out);
    }
  }
}

function scalarKind(field: DescField): Slot["kind"] {
  if (field.scalar === ScalarType.STRING) return field.name === "id" ? "uuid" : "string";
  if (field.scalar === ScalarType.BOOL) return "bool";
  if (field.scalar === ScalarType.BYTES) return "string";
  return "number";
}

/** The value at `path`. */
export function getAt(json: JsonValue, path: readonly (string | number)[]): JsonValue {
  let at: JsonValue = json;
  for (const key of path) at = (at as Record<string | number, JsonValue>)[key]!;
  return at;
}

/** `json` with the value at `path` replaced (the root is replaced when the path is empty). */
export function setAt(json: JsonValue, path: readonly (string | number)[], value: JsonValue): JsonValue {
  if (path.length === 0) return value;
  const copy = structuredClone(json) as Record<string | number, JsonValue>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, JsonValue>;
  at[path[path.length - 1]!] = value;
  return copy;
}

/** `json` with the member at `path` (a map or Struct key) renamed to `key`, keeping its value. */
export function renameAt(json: JsonValue, path: readonly (string | number)[], key: string): JsonValue {
  const copy = structuredClone(json) as Record<string | number, JsonValue>;
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, JsonValue>;
  const old = path[path.length - 1]!;
  const value = at[old]!;
  delete at[old];
  at[key] = value;
  return copy;
}
