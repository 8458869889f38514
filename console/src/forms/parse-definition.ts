import { parseDocument } from "yaml";

/** A definition typed into a textarea that is neither YAML nor JSON. */
export class DefinitionError extends Error {
  override readonly name = "DefinitionError";
}

/**
 * Parses YAML or JSON (JSON is YAML) typed by a user; `label` names the textarea in error messages.
 * Empty text is undefined. One document only.
 */
export function parseDefinition(text: string, label: string): unknown {
  if (text.trim() === "") return undefined;
  const doc = parseDocument(text, { prettyErrors: false });
  const [error] = doc.errors;
  if (error) throw new DefinitionError(`${label}: not valid YAML or JSON: ${error.message}`);
  return doc.toJSON() as unknown;
}

/** Like parseDefinition, but the result must be a mapping (an object). */
export function parseMapping(text: string, label: string): Record<string, unknown> | undefined {
  const value = parseDefinition(text, label);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new DefinitionError(
      `${label}: expected a mapping (an object), got ${Array.isArray(value) ? "a list" : typeof value}`,
    );
  }
  return value as Record<string, unknown>;
}
