import { json } from "@codemirror/lang-json";
import { python } from "@codemirror/lang-python";
import { yaml } from "@codemirror/lang-yaml";
import type { Extension } from "@codemirror/state";
import { Decoration, EditorView, MatchDecorator, ViewPlugin, type ViewUpdate } from "@codemirror/view";
import type { CodeLanguage } from "./code-language";

/** `{{name}}` and `{{ name }}`: the placeholders an LLM prompt template fills from the step's inputs. */
export const PLACEHOLDER = /\{\{\s*[^{}\s][^{}]*?\s*\}\}/g;

const placeholderMatcher = new MatchDecorator({
  regexp: PLACEHOLDER,
  decoration: Decoration.mark({ class: "cm-placeholder-var" }),
});

/** Marks every placeholder of a prompt template (kept up to date as the text changes). */
const placeholders = ViewPlugin.fromClass(
  class {
    decorations;
    constructor(view: EditorView) {
      this.decorations = placeholderMatcher.createDeco(view);
    }
    update(update: ViewUpdate) {
      this.decorations = placeholderMatcher.updateDeco(update, this.decorations);
    }
  },
  { decorations: (v) => v.decorations },
);

/** The editor extensions that highlight one kind of code. */
export function languageExtension(language: CodeLanguage): Extension {
  switch (language) {
    case "python":
      return python();
    case "json":
      return json();
    case "yaml":
      return yaml();
    case "prompt":
      return [placeholders, EditorView.lineWrapping];
    case "text":
      return [];
  }
}
