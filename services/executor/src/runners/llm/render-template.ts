import { StepFailure, type JsonObject, type JsonValue } from "../../step/index.js";

/**
 * `{{name}}` placeholders, as the registry reads them: spaces inside the braces allowed, `{{a.b}}`
 * reads field `b` of input `a` (a number reads an array element). Anything else in braces, e.g.
 * `{{ 1 }}`, is literal text.
 */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_]+)*)\s*\}\}/g;

/** The input names a template reads: top-level names of its placeholders, unique, in order of first use. */
export function templateVariables(template: string): string[] {
  const names = new Set<string>();
  for (const match of template.matchAll(PLACEHOLDER)) if (match[1] !== undefined) names.add(match[1]);
  return [...names];
}

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
  const known = new Set(declared);
  const undeclared = templateVariables(template).filter((name) => !known.has(name));
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
 * `template` with each placeholder replaced by its input: a string as is, anything else as JSON.
 * Placeholders whose input (or nested field) is missing fail with MISSING_INPUT naming them all.
 */
export function renderTemplate(template: string, inputs: JsonObject): string {
  const missing = new Set<string>();
  const rendered = template.replace(PLACEHOLDER, (whole, name: string, path: string) => {
    const value = lookup(inputs, [name, ...(path === "" ? [] : path.slice(1).split("."))]);
    if (value === undefined) {
      missing.add(`${name}${path}`);
      return whole;
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
