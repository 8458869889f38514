import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import type { FieldViolation } from "@mcp/errors";
import { fieldPath, indexPath, violation } from "@mcp/validation";

/** The type names JSON Schema knows. */
const JSON_SCHEMA_TYPES: ReadonlySet<string> = new Set([
  "object",
  "array",
  "string",
  "number",
  "integer",
  "boolean",
  "null",
]);

/**
 * Checks the top level of an input/output JSON Schema (a `google.protobuf.Struct`, so always a JSON
 * object): `type`, when present, is a JSON Schema type name (or a list of them); `properties`, when
 * present, is an object; `required`, when present, is a list of strings. Unset passes.
 */
export function checkJsonSchema(schema: JsonObject | undefined, field: string): FieldViolation[] {
  if (schema === undefined) return [];
  return [
    ...checkType(schema["type"], fieldPath(field, "type")),
    ...checkProperties(schema["properties"], fieldPath(field, "properties")),
    ...checkRequiredList(schema["required"], fieldPath(field, "required")),
  ];
}

function checkType(type: JsonValue | undefined, field: string): FieldViolation[] {
  if (type === undefined) return [];
  const names = Array.isArray(type) ? type : [type];
  const valid = names.length > 0 && names.every((t) => typeof t === "string" && JSON_SCHEMA_TYPES.has(t));
  return valid
    ? []
    : [
        violation(
          field,
          `must be a JSON Schema type name (${[...JSON_SCHEMA_TYPES].join(", ")}) or a list of them`,
        ),
      ];
}

function checkProperties(properties: JsonValue | undefined, field: string): FieldViolation[] {
  if (properties === undefined) return [];
  const isObject = typeof properties === "object" && properties !== null && !Array.isArray(properties);
  return isObject ? [] : [violation(field, "must be an object")];
}

function checkRequiredList(required: JsonValue | undefined, field: string): FieldViolation[] {
  if (required === undefined) return [];
  if (!Array.isArray(required)) return [violation(field, "must be a list of property names")];
  return required.flatMap((name, i) =>
    typeof name === "string" ? [] : [violation(indexPath(field, i), "must be a string")],
  );
}
