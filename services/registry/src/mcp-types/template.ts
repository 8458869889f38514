/**
 * `{{name}}` placeholders of an llm_prompt template. Spaces inside the braces are allowed and
 * `{{a.b}}` reads a nested field of input `a`. Text that does not look like a placeholder
 * (e.g. `{{ 1 }}`) is left as literal text by the renderer, so it is not a variable.
 */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_]+)*)\s*\}\}/g;

/** The input names a template reads: top-level names of its placeholders, unique, in order of first use. */
export function templateVariables(template: string): string[] {
  const names = new Set<string>();
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1];
    if (name !== undefined) names.add(name);
  }
  return [...names];
}
