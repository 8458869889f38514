/**
 * The grammar of an llm_prompt template: `{{name}}` placeholders, spaces inside the braces allowed,
 * `{{a.b}}` reading field `b` of input `a` (a number reads an array element). Text that does not look
 * like a placeholder (e.g. `{{ 1 }}`) is literal text: not a variable, and left as is when rendered.
 * The registry checks templates with it and the executor renders them with it.
 */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_]+)*)\s*\}\}/g;

/** One placeholder of a template. */
export interface Placeholder {
  /** The placeholder as written, braces included. */
  readonly text: string;
  /** The input it reads (the top-level name). */
  readonly name: string;
  /** The nested keys read below that input, e.g. `["b", "0"]` for `{{a.b.0}}`; empty for `{{a}}`. */
  readonly path: readonly string[];
}

/** The input names a template reads: top-level names of its placeholders, unique, in order of first use. */
export function templateVariables(template: string): string[] {
  const names = new Set<string>();
  for (const match of template.matchAll(PLACEHOLDER)) if (match[1] !== undefined) names.add(match[1]);
  return [...names];
}

/** The variables a template reads that are not in `declared`, in order of first use. */
export function undeclaredVariables(template: string, declared: readonly string[]): string[] {
  const known = new Set(declared);
  return templateVariables(template).filter((name) => !known.has(name));
}

/** `template` with each placeholder replaced by what `replace` returns for it; other text stays as is. */
export function replacePlaceholders(template: string, replace: (placeholder: Placeholder) => string): string {
  return template.replace(PLACEHOLDER, (text, name: string, path: string) =>
    replace({ text, name, path: path === "" ? [] : path.slice(1).split(".") }),
  );
}
