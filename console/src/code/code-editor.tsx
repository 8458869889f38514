import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { defaultHighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { EditorState } from "@codemirror/state";
import {
  EditorView,
  highlightActiveLine,
  keymap,
  lineNumbers,
  placeholder as placeholderText,
} from "@codemirror/view";
import { useEffect, useRef } from "react";
import type { CodeLanguage } from "./code-language";
import { languageExtension } from "./languages";

/** What the code editor (and its read-only view) is given. */
export interface CodeEditorProps {
  readonly value: string;
  readonly language: CodeLanguage;
  /** The accessible name of the text (the field's label). */
  readonly label: string;
  readonly readOnly?: boolean;
  readonly onChange?: (value: string) => void;
  readonly placeholder?: string;
  /** Put on the editable element: the field's id and hint. */
  readonly id?: string;
  readonly describedBy?: string;
  /** Minimum height in lines (an editable field's `rows`). */
  readonly minLines?: number;
}

/**
 * CodeMirror 6 over one text: highlighted for its language, with line numbers; editable (history,
 * Tab indents) unless `readOnly`. The text follows `value`; edits go out through `onChange`.
 */
export default function CodeEditor(props: CodeEditorProps) {
  const { value, language, label, readOnly = false, placeholder, id, describedBy, minLines } = props;
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChange = useRef(props.onChange);
  useEffect(() => {
    onChange.current = props.onChange;
  }, [props.onChange]);

  useEffect(() => {
    const attributes: Record<string, string> = {
      "aria-label": label,
      "aria-multiline": "true",
      role: "textbox",
      // reachable by keyboard, read-only too: its scrollable region must be (axe scrollable-region-focusable)
      tabindex: "0",
    };
    if (id) attributes["id"] = id;
    if (describedBy) attributes["aria-describedby"] = describedBy;
    if (readOnly) attributes["aria-readonly"] = "true";
    const created = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          languageExtension(language),
          EditorView.contentAttributes.of(attributes),
          EditorState.readOnly.of(readOnly),
          EditorView.editable.of(!readOnly),
          ...(readOnly
            ? []
            : [
                history(),
                highlightActiveLine(),
                keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
                ...(placeholder
                  ? [
                      placeholderText(placeholder),
                      // the page's muted colour: CodeMirror's default grey fails WCAG AA contrast
                      EditorView.theme({ ".cm-placeholder": { color: "var(--muted)" } }),
                    ]
                  : []),
              ]),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) onChange.current?.(u.state.doc.toString());
          }),
          ...(minLines
            ? [EditorView.theme({ ".cm-content, .cm-gutter": { minHeight: `${minLines * 1.4}em` } })]
            : []),
        ],
      }),
    });
    view.current = created;
    return () => {
      created.destroy();
      view.current = null;
    };
    // the editor is made once per language and mode; `value` changes are applied below
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [language, readOnly, label, id, describedBy, placeholder, minLines]);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
    }
  }, [value]);

  return <div ref={host} className={`code-editor${readOnly ? " read-only" : ""}`} data-language={language} />;
}
