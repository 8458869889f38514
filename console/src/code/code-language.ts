/**
 * The kinds of code the console shows: Python (scripts, notebook cells), JSON, YAML (workflow specs,
 * configs, schemas, inputs), an LLM prompt template (its `{{placeholders}}` marked), or plain text.
 */
export type CodeLanguage = "python" | "json" | "yaml" | "prompt" | "text";
