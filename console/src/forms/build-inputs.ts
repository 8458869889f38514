import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import type { InputField } from "./fields-from-schema";

/**
 * What the form holds per field: text for most kinds; for a boolean, `true`/`false` when required
 * (a checkbox) or `""`/`"true"`/`"false"` when optional (unset is a choice).
 */
export type FormValues = Record<string, string | boolean>;

/** The result of reading a form: the inputs of a request, or one message per invalid field. */
export type BuiltInputs =
  | { readonly ok: true; readonly inputs: JsonObject }
  | { readonly ok: false; readonly errors: Readonly<Record<string, string>> };

/** The starting values: each field's default (JSON text for structured kinds), else empty. */
export function initialValues(fields: readonly InputField[]): FormValues {
  const values: FormValues = {};
  for (const f of fields) {
    const d = f.defaultValue;
    if (f.kind === "boolean")
      values[f.name] = f.required ? d === true : typeof d === "boolean" ? String(d) : "";
    else if (d === undefined || d === null) values[f.name] = "";
    else values[f.name] = typeof d === "string" ? d : JSON.stringify(d, null, 2);
  }
  return values;
}

function parseJson(text: string): { ok: true; value: JsonValue } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch {
    return { ok: false };
  }
}

/**
 * Turns form values into request inputs. Empty optional fields are left out; an empty required field,
 * a number that is not one, or JSON that does not parse (or has the wrong shape) is reported per field.
 */
export function buildInputs(fields: readonly InputField[], values: FormValues): BuiltInputs {
  const inputs: JsonObject = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const raw = values[f.name];
    if (f.kind === "boolean") {
      if (typeof raw === "boolean") inputs[f.name] = raw;
      else if (raw === "true" || raw === "false") inputs[f.name] = raw === "true";
      else if (f.required) inputs[f.name] = false;
      continue;
    }
    const text = typeof raw === "string" ? raw : "";
    if (text.trim() === "") {
      if (f.required) errors[f.name] = "required";
      continue;
    }
    switch (f.kind) {
      case "string":
        inputs[f.name] = text;
        break;
      case "number":
      case "integer": {
        const n = Number(text.trim());
        if (!Number.isFinite(n)) errors[f.name] = "not a number";
        else if (f.kind === "integer" && !Number.isInteger(n)) errors[f.name] = "not a whole number";
        else inputs[f.name] = n;
        break;
      }
      default: {
        const parsed = parseJson(text);
        if (!parsed.ok) errors[f.name] = "not valid JSON";
        else if (
          f.kind === "object" &&
          (typeof parsed.value !== "object" || parsed.value === null || Array.isArray(parsed.value))
        )
          errors[f.name] = "must be a JSON object";
        else if (f.kind === "array" && !Array.isArray(parsed.value)) errors[f.name] = "must be a JSON array";
        else inputs[f.name] = parsed.value;
      }
    }
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, inputs };
}

/** Reads free-form inputs: a JSON object typed by the user; `{}` when empty. */
export function parseFreeformInputs(
  text: string,
): { ok: true; inputs: JsonObject } | { ok: false; error: string } {
  if (text.trim() === "") return { ok: true, inputs: {} };
  const parsed = parseJson(text);
  if (!parsed.ok) return { ok: false, error: "not valid JSON" };
  const v = parsed.value;
  if (typeof v !== "object" || v === null || Array.isArray(v))
    return { ok: false, error: "must be a JSON object" };
  return { ok: true, inputs: v };
}
