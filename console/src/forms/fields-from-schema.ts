import type { JsonObject, JsonValue } from "@bufbuild/protobuf";

/** How a field is edited and how its text becomes a JSON value. */
export type FieldKind = "string" | "number" | "integer" | "boolean" | "object" | "array" | "json";

/** One input of a generated form. */
export interface InputField {
  readonly name: string;
  readonly kind: FieldKind;
  readonly required: boolean;
  readonly description?: string | undefined;
  /** Pre-filled value; for `string` fields a string, otherwise any JSON. */
  readonly defaultValue?: JsonValue | undefined;
  /** Allowed values of a `string` field (JSON Schema `enum`). */
  readonly options?: readonly string[] | undefined;
}

const KINDS: ReadonlySet<string> = new Set(["string", "number", "integer", "boolean", "object", "array"]);

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** The kind of a JSON Schema `type` (`"string"`, or `["string", "null"]`); `json` when unknown. */
function kindOf(property: JsonObject): FieldKind {
  const declared = property["type"];
  const types = Array.isArray(declared) ? declared : [declared];
  const first = types.find((t): t is string => typeof t === "string" && t !== "null");
  if (first !== undefined && KINDS.has(first)) return first as FieldKind;
  if (Array.isArray(property["enum"]) && property["enum"].every((v) => typeof v === "string"))
    return "string";
  return "json";
}

/**
 * The fields of an object JSON Schema (`{"type": "object", "properties": {...}, "required": [...]}`), in
 * property order: each property's kind from its `type`, `required` from the schema's `required`, plus
 * description, default and string `enum`. A schema without properties gives no fields.
 */
export function fieldsFromJsonSchema(schema: JsonObject | undefined): InputField[] {
  if (!schema) return [];
  const properties = schema["properties"];
  if (!isObject(properties)) return [];
  const required = new Set(
    Array.isArray(schema["required"]) ? schema["required"].filter((r) => typeof r === "string") : [],
  );
  return Object.entries(properties).map(([name, raw]) => {
    const property = isObject(raw) ? raw : {};
    const description = property["description"];
    const options = property["enum"];
    return {
      name,
      kind: kindOf(property),
      required: required.has(name),
      description: typeof description === "string" ? description : undefined,
      defaultValue: property["default"],
      options: Array.isArray(options) && options.every((o) => typeof o === "string") ? options : undefined,
    };
  });
}

/** The kind that fits a sample value (e.g. a default): `number` for 3, `object` for {}, ... */
export function kindOfValue(value: JsonValue | undefined): FieldKind {
  if (value === undefined || value === null) return "string";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  if (typeof value === "boolean") return "boolean";
  if (typeof value === "string") return "string";
  return Array.isArray(value) ? "array" : "object";
}
