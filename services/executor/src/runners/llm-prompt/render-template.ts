import { replacePlaceholders, undeclaredVariables } from "@mcp/mcp-types";
import { StepFailure, type JsonObject, type JsonValue } from "../../step/index.js";

/**
 * Checks the inputs against the declared `input_variables` (when any): a placeholder outside them is
 * INVALID_CONFIG, a declared variable not supplied is MISSING_INPUT.
 */
export function checkDeclaredVariables(
  template: string,
  declared: readonly string[],
  inputs: JsonObject,
): void {
  if (declared.length === 0) return;
  const undeclared = undeclaredVariables(template, declared);
  if (undeclared.length > 0) {
    throw new StepFailure(
      "INVALID_CONFIG",
      `the template uses ${list(undeclared)}, not among its input_variables (${declared.join(", ")})`,
    );
  }
  const missing = declared.filter((name) => !Object.hasOwn(inputs, name));
  if (missing.length > 0) throw new StepFailure("MISSING_INPUT", `the prompt needs input ${list(missing)}`);
}

/**
 * `template` (the grammar of `@mcp/mcp-types`, the one the registry checks) with each placeholder
 * replaced by its input: a string as is, anything else as JSON. Placeholders whose input (or nested
 * field) is missing fail with MISSING_INPUT naming them all.
 */
export function renderTemplate(template: string, inputs: JsonObject): string {
  const missing = new Set<string>();
  const rendered = replacePlaceholders(template, ({ text, name, path }) => {
    const value = lookup(inputs, [name, ...path]);
    if (value === undefined) {
      missing.add([name, ...path].join("."));
      return text;
    }
    return typeof value === "string" ? value : JSON.stringify(value);
  });
  if (missing.size > 0)
    throw new StepFailure("MISSING_INPUT", `the prompt needs input ${list([...missing])}`);
  return rendered;
}

function lookup(value: JsonValue | undefined, path: readonly string[]): JsonValue | undefined {
  let current = value;
  for (const key of path) {
    if (Array.isArray(current)) current = /^\d+$/.test(key) ? current[Number(key)] : undefined;
    else if (typeof current === "object" && current !== null && Object.hasOwn(current, key))
      current = current[key];
    else return undefined;
  }
  return current;
}

function list(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(", ");
}
